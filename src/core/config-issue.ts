/**
 * One problem found in a configuration, with where it is and how to fix it.
 *
 * @publicApi
 */
export interface CorsConfigIssue {
  severity: 'error' | 'warning';
  /** The policy or route: `policy "partners"`, `AppController#hello`. */
  subject: string;
  /** The option at fault: `origin`, `maxAge`… */
  field: string;
  /** What is wrong and the fix. */
  message: string;
}

/** `subject › field: message`, on one line. */
export function formatIssue(issue: CorsConfigIssue): string {
  return `${issue.subject} › ${issue.field}: ${issue.message}`;
}

/**
 * Thrown at bootstrap with every configuration error at once.
 *
 * @publicApi
 */
export class CorsConfigurationError extends Error {
  constructor(readonly issues: readonly CorsConfigIssue[]) {
    super(
      `Invalid CORS configuration (${issues.length} ${issues.length === 1 ? 'error' : 'errors'}):\n` +
        issues.map((issue) => `  - ${formatIssue(issue)}`).join('\n'),
    );
    this.name = 'CorsConfigurationError';
  }
}
