/**
 * Terminal output. A TTY gets a live per-suite display (colors unless NO_COLOR); anything else (a pipe,
 * CI, NO_COLOR) gets plain lines from the logger. All text passes the run's redaction in the logger;
 * the live display shows only suite ids and counts.
 */

import type { PhaseResult } from '../core/record.js';
import { type ProgressReporter, silentReporter } from '../phases/context.js';

export interface OutputMode {
  live: boolean;
  color: boolean;
}

export function outputMode(
  env: NodeJS.ProcessEnv = process.env,
  stream: NodeJS.WriteStream = process.stderr,
): OutputMode {
  const tty = Boolean(stream.isTTY);
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const ci = Boolean(env.CI) && env.CI !== 'false' && env.CI !== '0';
  return { live: tty && !ci && !noColor, color: tty && !ci && !noColor };
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The live display for a TTY; plain mode uses the logger's lines instead (silentReporter). */
export async function createProgress(mode: OutputMode): Promise<ProgressReporter> {
  if (!mode.live) return silentReporter;
  const [{ createLogUpdate }, pc] = await Promise.all([import('log-update'), import('picocolors')]);
  const colors = pc.default;
  const update = createLogUpdate(process.stderr, { showCursor: false });
  const rows = new Map<string, { text: string; state: 'running' | 'ok' | 'bad'; started: number }>();
  let phase = '';
  let frame = 0;
  const render = () => {
    frame = (frame + 1) % SPINNER.length;
    const lines = [colors.bold(phase)];
    for (const [id, row] of rows) {
      const mark =
        row.state === 'running'
          ? colors.cyan(SPINNER[frame]!)
          : row.state === 'ok'
            ? colors.green('✓')
            : colors.red('✗');
      const secs =
        row.state === 'running' ? colors.dim(` ${((Date.now() - row.started) / 1000).toFixed(1)} s`) : '';
      lines.push(`  ${mark} ${id} ${colors.dim(row.text)}${secs}`);
    }
    update(lines.join('\n'));
  };
  const timer = setInterval(render, 100);
  timer.unref();
  return {
    phaseStarted(_id, title) {
      if (rows.size) update.done();
      rows.clear();
      phase = title;
      render();
    },
    phaseEnded(result: PhaseResult) {
      const mark =
        result.state === 'skipped'
          ? colors.dim('–')
          : result.verdict === 'fail' || result.state === 'errored'
            ? colors.red('✗')
            : colors.green('✓');
      phase = `${mark} ${result.title}: ${result.state}${result.verdict ? ` (${result.verdict})` : ''}${result.reason ? colors.dim(` — ${result.reason}`) : ''}`;
      render();
      update.done();
      rows.clear();
    },
    suiteStarted(id, tier, attempt) {
      rows.set(id, {
        text: `tier ${tier}${attempt > 1 ? `, attempt ${attempt}` : ''}`,
        state: 'running',
        started: Date.now(),
      });
      render();
    },
    suiteEnded(id, summary, ok) {
      const row = rows.get(id);
      rows.set(id, { text: summary, state: ok ? 'ok' : 'bad', started: row?.started ?? Date.now() });
      render();
    },
    close() {
      clearInterval(timer);
      update.done();
    },
  };
}
