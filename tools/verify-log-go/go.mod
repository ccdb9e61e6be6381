module bnp.local/verify-log-go

go 1.19

require golang.org/x/mod v0.7.0

// Debian's golang-golang-x-mod-dev installs the module's source (not a module cache) under
// /usr/share/gocode/src; scripts/go-tools.sh installs it and runs this with GOPROXY=off.
replace golang.org/x/mod => /usr/share/gocode/src/golang.org/x/mod
