// Command verify-log-go checks the transparency log with Go's own tools, not ours:
// golang.org/x/mod/sumdb/note for the signed checkpoint and golang.org/x/mod/sumdb/tlog for the
// Merkle tree (tile hashes, inclusion and consistency proofs, RFC 6962).
//
//	verify-log-go -url http://127.0.0.1:3006 -vkey <verifier key> [-sample 20] [-old <checkpoint file>]
//	verify-log-go -bundle <incident bundle .ndjson> -vkey <verifier key>
//
// With VERIFY_LOG_TOKEN set, every request carries it as a bearer token (the log needs one: ADR 0024).
// It prints one JSON object with what it verified and exits 1 with the reason on the first failure.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8

func main() {
	url := flag.String("url", "", "the log's URL prefix (C2SP tlog-tiles)")
	vkey := flag.String("vkey", "", "the log's signed-note verifier key")
	sample := flag.Int("sample", 16, "entries to prove included, spread over the tree")
	old := flag.String("old", "", "a checkpoint seen earlier: prove the current one consistent with it")
	bundle := flag.String("bundle", "", "an incident bundle to verify offline instead of the live log")
	flag.Parse()
	verifier, err := note.NewVerifier(*vkey)
	if err != nil {
		fail("verifier key: %v", err)
	}
	var report map[string]any
	if *bundle != "" {
		report, err = verifyBundle(*bundle, verifier)
	} else {
		report, err = verifyLive(strings.TrimSuffix(*url, "/"), verifier, *sample, *old)
	}
	if err != nil {
		fail("%v", err)
	}
	out, _ := json.Marshal(report)
	fmt.Println(string(out))
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "verify-log-go: "+format+"\n", args...)
	os.Exit(1)
}

// openCheckpoint verifies the note's signature with Go's note package and parses the C2SP checkpoint.
func openCheckpoint(msg []byte, verifier note.Verifier) (string, tlog.Tree, error) {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return "", tlog.Tree{}, fmt.Errorf("checkpoint signature: %w", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		return "", tlog.Tree{}, errors.New("checkpoint has fewer than three lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		return "", tlog.Tree{}, fmt.Errorf("checkpoint size %q", lines[1])
	}
	hash, err := tlog.ParseHash(lines[2])
	if err != nil {
		return "", tlog.Tree{}, fmt.Errorf("checkpoint root: %w", err)
	}
	if lines[0] != verifier.Name() {
		return "", tlog.Tree{}, fmt.Errorf("checkpoint origin %q is not the key's name %q", lines[0], verifier.Name())
	}
	return lines[0], tlog.Tree{N: size, Hash: hash}, nil
}

// get reads one URL of the log, sending VERIFY_LOG_TOKEN (if set) as a bearer token: the log answers only
// callers with a token of the operator's identity provider (ADR 0024).
func get(url string) ([]byte, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	if token := strings.TrimSpace(os.Getenv("VERIFY_LOG_TOKEN")); token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %s", url, res.Status)
	}
	return body, nil
}

// c2spPath turns Go's tile path (tile/<H>/<L>/<N>...) into C2SP's, which has no height element.
func c2spPath(t tlog.Tile) string {
	path := t.Path()
	prefix := fmt.Sprintf("tile/%d/", height)
	if t.L == -1 {
		return "tile/entries/" + strings.TrimPrefix(path, prefix+"data/")
	}
	return "tile/" + strings.TrimPrefix(path, prefix)
}

type tileReader struct{ url string }

func (r tileReader) Height() int { return height }

func (r tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	data := make([][]byte, len(tiles))
	for i, t := range tiles {
		body, err := get(r.url + "/" + c2spPath(t))
		if err != nil {
			return nil, err
		}
		data[i] = body
	}
	return data, nil
}

func (r tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

// entry reads entry i from its entry bundle (width as of tree size n).
func entry(url string, i, n int64) ([]byte, error) {
	t := tlog.Tile{H: height, L: -1, N: i >> height, W: 1 << height}
	if end := (t.N + 1) << height; end > n {
		t.W = int(n - t.N<<height)
	}
	body, err := get(url + "/" + c2spPath(t))
	if err != nil {
		return nil, err
	}
	for at, k := 0, t.N<<height; at < len(body); k++ {
		if at+2 > len(body) {
			return nil, errors.New("entry bundle truncated")
		}
		size := int(binary.BigEndian.Uint16(body[at:]))
		if at+2+size > len(body) {
			return nil, errors.New("entry bundle truncated")
		}
		if k == i {
			return body[at+2 : at+2+size], nil
		}
		at += 2 + size
	}
	return nil, fmt.Errorf("entry %d not in its bundle", i)
}

func decodeHashes(encoded []string) ([]tlog.Hash, error) {
	hashes := make([]tlog.Hash, len(encoded))
	for i, h := range encoded {
		hash, err := tlog.ParseHash(h)
		if err != nil {
			return nil, err
		}
		hashes[i] = hash
	}
	return hashes, nil
}

func verifyLive(url string, verifier note.Verifier, sample int, oldFile string) (map[string]any, error) {
	msg, err := get(url + "/checkpoint")
	if err != nil {
		return nil, err
	}
	origin, tree, err := openCheckpoint(msg, verifier)
	if err != nil {
		return nil, err
	}
	// TileHashReader checks every tile it reads against the signed tree hash.
	hashes := tlog.TileHashReader(tree, tileReader{url})
	root, err := tlog.TreeHash(tree.N, hashes)
	if err != nil || root != tree.Hash {
		return nil, fmt.Errorf("tiles do not hash to the checkpoint's root: %v", err)
	}
	verified := 0
	for k := 0; k < sample && int64(k) < tree.N; k++ {
		i := int64(k) * tree.N / int64(sample)
		if k == sample-1 {
			i = tree.N - 1
		}
		data, err := entry(url, i, tree.N)
		if err != nil {
			return nil, err
		}
		proof, err := tlog.ProveRecord(tree.N, i, hashes)
		if err != nil {
			return nil, fmt.Errorf("prove entry %d from tiles: %w", i, err)
		}
		if err := tlog.CheckRecord(proof, tree.N, tree.Hash, i, tlog.RecordHash(data)); err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		// The log's own JSON inclusion proof must check out with Go's checker too.
		var served struct{ Proof []string }
		body, err := get(fmt.Sprintf("%s/proof/inclusion?index=%d&size=%d", url, i, tree.N))
		if err == nil {
			err = json.Unmarshal(body, &served)
		}
		if err != nil {
			return nil, err
		}
		sp, err := decodeHashes(served.Proof)
		if err != nil {
			return nil, err
		}
		if err := tlog.CheckRecord(sp, tree.N, tree.Hash, i, tlog.RecordHash(data)); err != nil {
			return nil, fmt.Errorf("served inclusion proof of entry %d: %w", i, err)
		}
		verified++
	}
	report := map[string]any{"origin": origin, "tree_size": tree.N, "root": tree.Hash.String(), "entries_proved": verified}
	if oldFile != "" {
		oldMsg, err := os.ReadFile(oldFile)
		if err != nil {
			return nil, err
		}
		_, oldTree, err := openCheckpoint(oldMsg, verifier)
		if err != nil {
			return nil, fmt.Errorf("old checkpoint: %w", err)
		}
		if oldTree.N > tree.N {
			return nil, fmt.Errorf("the log shrank from %d to %d entries", oldTree.N, tree.N)
		}
		if oldTree.N > 0 {
			proof, err := tlog.ProveTree(tree.N, oldTree.N, hashes)
			if err != nil {
				return nil, err
			}
			if err := tlog.CheckTree(proof, tree.N, tree.Hash, oldTree.N, oldTree.Hash); err != nil {
				return nil, fmt.Errorf("tree of %d is not consistent with the old tree of %d: %w", tree.N, oldTree.N, err)
			}
			var served struct{ Proof []string }
			body, err := get(fmt.Sprintf("%s/proof/consistency?from=%d&to=%d", url, oldTree.N, tree.N))
			if err == nil {
				err = json.Unmarshal(body, &served)
			}
			if err != nil {
				return nil, err
			}
			sp, err := decodeHashes(served.Proof)
			if err != nil {
				return nil, err
			}
			if err := tlog.CheckTree(sp, tree.N, tree.Hash, oldTree.N, oldTree.Hash); err != nil {
				return nil, fmt.Errorf("served consistency proof: %w", err)
			}
		}
		report["consistent_with_size"] = oldTree.N
	}
	return report, nil
}

func verifyBundle(path string, verifier note.Verifier) (map[string]any, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	lines := bufio.NewScanner(file)
	lines.Buffer(make([]byte, 1<<20), 1<<24)
	var header struct {
		Format, Origin, Incident, Checkpoint string
		TreeSize                             int64 `json:"tree_size"`
	}
	if !lines.Scan() || json.Unmarshal(lines.Bytes(), &header) != nil || header.Format != "bnp-tlog-incident-bundle/v1" {
		return nil, errors.New("bundle header missing or not bnp-tlog-incident-bundle/v1")
	}
	_, tree, err := openCheckpoint([]byte(header.Checkpoint), verifier)
	if err != nil {
		return nil, err
	}
	if tree.N != header.TreeSize {
		return nil, errors.New("bundle tree size differs from its checkpoint")
	}
	digest := sha256.New()
	count, last := 0, int64(-1)
	var statement string
	for lines.Scan() {
		var line struct {
			Index     *int64
			Entry     string
			Proof     []string
			Statement string
		}
		if err := json.Unmarshal(lines.Bytes(), &line); err != nil {
			return nil, fmt.Errorf("line %d: %w", count+2, err)
		}
		if line.Statement != "" {
			statement = line.Statement
			if lines.Scan() {
				return nil, errors.New("lines after the statement")
			}
			break
		}
		if line.Index == nil || *line.Index <= last {
			return nil, fmt.Errorf("line %d: entries out of index order", count+2)
		}
		data, err := base64.StdEncoding.DecodeString(line.Entry)
		if err != nil {
			return nil, err
		}
		proof, err := decodeHashes(line.Proof)
		if err != nil {
			return nil, err
		}
		leaf := tlog.RecordHash(data)
		if err := tlog.CheckRecord(proof, tree.N, tree.Hash, *line.Index, leaf); err != nil {
			return nil, fmt.Errorf("entry %d: %w", *line.Index, err)
		}
		var fields struct{ Incident string }
		if json.Unmarshal(data, &fields) != nil || fields.Incident != header.Incident {
			return nil, fmt.Errorf("entry %d is not of incident %s", *line.Index, header.Incident)
		}
		var index [8]byte
		binary.BigEndian.PutUint64(index[:], uint64(*line.Index))
		digest.Write(index[:])
		digest.Write(leaf[:])
		last = *line.Index
		count++
	}
	if err := lines.Err(); err != nil {
		return nil, err
	}
	if statement == "" {
		return nil, errors.New("bundle has no closing statement: truncated")
	}
	n, err := note.Open([]byte(statement), note.VerifierList(verifier))
	if err != nil {
		return nil, fmt.Errorf("statement signature: %w", err)
	}
	want := strings.Join([]string{
		header.Format, header.Origin, strconv.FormatInt(tree.N, 10), tree.Hash.String(), header.Incident,
		strconv.Itoa(count), base64.StdEncoding.EncodeToString(digest.Sum(nil)), "",
	}, "\n")
	if !bytes.Equal([]byte(n.Text), []byte(want)) {
		return nil, errors.New("the signed statement does not match the bundle's entries")
	}
	return map[string]any{"origin": header.Origin, "tree_size": tree.N, "incident": header.Incident, "entries_proved": count}, nil
}
