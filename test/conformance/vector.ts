import type { CorsInput } from '../../src/core/cors-decision.js';

/**
 * One test vector of another CORS library, as data: its inputs, and the outcome this
 * project gives. `source` names the repository and file it comes from. When the project
 * deliberately answers otherwise than the source expects, the expectation here is the
 * project's, and `differs` says why.
 */
interface Vector {
  /** `owner/repo path/to/file` of the test the vector is taken from. */
  source: string;
  /** The source's own name for the case, or what it checks. */
  name: string;
  /** Why the project's outcome is not the source's, when it is not. */
  differs?: string;
}

/** An origin allowlist entry, and whether bootstrap accepts it. */
export interface EntryVector extends Vector {
  entry: string;
  /** Compile the entry in a policy with credentials. */
  credentials?: boolean;
  accepted: boolean;
}

/** A policy, and the fields of the errors compiling it gives, in order (none: it compiles). */
export interface ConfigVector extends Vector {
  options: Record<string, unknown>;
  errors: string[];
}

/** A request, decided by a policy that compiles. */
export interface RequestVector extends Vector {
  options: Record<string, unknown>;
  input: CorsInput;
  /** Request headers an origin function may read. */
  requestHeaders?: Record<string, string>;
  allowed: boolean;
  /** Why not, when the vector checks it. */
  reason?: string;
  /** Every CORS header of the answer; none when not allowed. */
  headers?: Record<string, string>;
  /** The preflight status, when one is expected. */
  status?: number;
  /** The `Vary` names, when the vector checks them; `null` for none. */
  vary?: string | null;
}
