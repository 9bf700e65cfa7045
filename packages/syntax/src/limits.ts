/** Bounds that keep hostile input from exhausting the stack, memory or time. */
export const LIMITS = {
  /** Deepest nesting of parentheses in a condition, or of YAML collections. */
  maxNesting: 64,
  /** Largest policy source accepted, in bytes. */
  maxSourceBytes: 64 * 1024 * 1024,
  /** Most YAML alias resolutions one document may perform. */
  maxAliasExpansion: 10_000,
  /** Most diagnostics reported per file; the rest are summarised in one. */
  maxDiagnosticsPerFile: 100,
} as const;
