import type { DomainException } from '@bnp/errors';
/** Why an import stopped before processing its file. Bad rows are not exceptions: they go to the rejects report. */
export enum ImportErrorCode {
  /** The header is missing, repeats a column, lacks one or has one this kind does not know. */
  InvalidHeader = 'INVALID_HEADER',
  /** A scope list with this id was already imported from a different file: list ids are immutable. */
  ListIdTaken = 'LIST_ID_TAKEN',
  /** A scope list file without a single valid entry: almost certainly the wrong file or the wrong --kind. */
  EmptyList = 'EMPTY_LIST',
  /** Another import holds the directory import lock. */
  ImportRunning = 'IMPORT_RUNNING',
  /** Encryption and blind-index keys are needed for this kind but were not configured. */
  KeysMissing = 'KEYS_MISSING',
}

/** The import context's domain exception: ImportErrorCode decides what each transport does with it. */
export type ImportException = DomainException<ImportErrorCode>;
