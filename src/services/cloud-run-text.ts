/**
 * How a Cloud Run service's state reads in one line: a revision's age and the traffic split. Phase 0
 * writes its reasons with them, phase 3's evidence chain and the worklog's deployment section show them.
 */
import type { TrafficEntry } from '../adapters/cloudrun/port.js';
import { formatDuration } from '../core/format.js';

/** An age as people say it: `45 s`, `12 min`, `3 h 05 min`, `2 d 4 h`. */
export function ageText(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return formatDuration(ms);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Traffic split as one line: `svc-00002-abc 100% (latest)`, `svc-00003-def 0% tag tdl-1a2b3c`. */
export function trafficText(traffic: readonly TrafficEntry[]): string {
  if (traffic.length === 0) return 'none';
  return traffic
    .map(
      (t) =>
        `${t.revision ?? '(no ready revision)'} ${t.percent}%${t.latest ? ' (latest)' : ''}${t.tag ? ` tag ${t.tag}` : ''}`,
    )
    .join(', ');
}
