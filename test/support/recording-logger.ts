import type { LoggerService } from '@nestjs/common';

/** Records what the module logs, as `level message` lines. */
export class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  private record(level: string) {
    // Nest passes the context last: after the stack, for `error()`.
    return (message: unknown, ...rest: unknown[]) => {
      if (rest.at(-1) === 'CorsModule')
        this.lines.push(`${level} ${String(message)}`);
    };
  }
  log = this.record('log');
  error = this.record('error');
  warn = this.record('warn');
  debug = this.record('debug');
  verbose = this.record('verbose');
}
