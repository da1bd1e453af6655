export type { JournalEntry } from "./entry.js";
export { parseEntry } from "./entry.js";
export { EventText } from "./eventText.js";
export { type FollowOptions, followJournal } from "./follow.js";
export { GENESIS_HASH, lineHash } from "./hash.js";
export { journalFiles, journalPathFor, rotatedJournalPath } from "./paths.js";
export {
  type JournalFilter,
  leaderFillKeys,
  matchesFilter,
  type ReadOptions,
  readAtStart,
  readJournal,
  type StartRecall,
} from "./reader.js";
export { redactSecrets } from "./redact.js";
export { type VerifyResult, verifyJournal } from "./verify.js";
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_FILES,
  JournalError,
  type JournalInput,
  JournalWriter,
  type JournalWriterOptions,
} from "./writer.js";
