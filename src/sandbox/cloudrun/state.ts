/**
 * The scriptable state behind the Cloud Run emulator: services, their revisions (one that becomes Ready
 * after N polls, one that fails), traffic splits, and injected errors. It answers in the shape of the
 * Cloud Run v2 protos (camelCase, enums as strings, timestamps as {seconds, nanos}).
 */

/** What a test or the demo says about a revision. */
export interface RevisionSpec {
  /** Short name; default `<service>-000NN-<3 letters>`. */
  name?: string;
  /** Created this long ago (default 0: now). */
  ageMs?: number;
  /** Ready after this many reads of its service or of itself (default 0: Ready at once). */
  readyAfterPolls?: number;
  /** The revision fails (Ready=False) with this message once its polls are done. */
  fail?: string;
}

export interface TrafficSpec {
  /** Short revision name; omitted means "the latest ready revision". */
  revision?: string;
  percent: number;
  tag?: string;
}

export interface ServiceSpec {
  name: string;
  /** Oldest first. */
  revisions: RevisionSpec[];
  /** Default: 100% to the latest ready revision. */
  traffic?: TrafficSpec[];
}

export type ErrorCode =
  | 'UNAVAILABLE'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'DEADLINE_EXCEEDED'
  | 'INTERNAL';

export interface ErrorSpec {
  code: ErrorCode;
  /** How many calls fail (default: all of them). */
  times?: number;
  /** Only this RPC (e.g. `GetService`). */
  method?: string;
  /** Only calls about this service (short name). */
  service?: string;
  message?: string;
}

interface Revision {
  name: string;
  createTime: Date;
  pollsLeft: number;
  fail: string | null;
  generation: number;
}

interface Service {
  name: string;
  revisions: Revision[];
  traffic: TrafficSpec[] | null;
  template: string;
  generation: number;
  createTime: Date;
}

export interface CallRecord {
  method: string;
  service: string | null;
  at: number;
  error: ErrorCode | null;
}

const SUFFIX = 'abcdefghijklmnopqrstuvwxyz';

function timestamp(d: Date): { seconds: string; nanos: number } {
  const ms = d.getTime();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

export class CloudRunState {
  readonly project: string;
  readonly region: string;
  readonly calls: CallRecord[] = [];
  private readonly services = new Map<string, Service>();
  private errors: (ErrorSpec & { left: number })[] = [];
  private readonly now: () => Date;

  constructor(options: { project: string; region: string; now?: () => Date }) {
    this.project = options.project;
    this.region = options.region;
    this.now = options.now ?? (() => new Date());
  }

  get parent(): string {
    return `projects/${this.project}/locations/${this.region}`;
  }

  addService(spec: ServiceSpec): void {
    const now = this.now();
    const service: Service = {
      name: spec.name,
      revisions: [],
      traffic: spec.traffic ?? null,
      template: '{}',
      generation: 0,
      createTime: now,
    };
    this.services.set(spec.name, service);
    for (const r of spec.revisions) this.addRevision(spec.name, r);
  }

  /** Creates a revision (a deploy); returns its short name. */
  addRevision(serviceName: string, spec: RevisionSpec = {}): string {
    const service = this.mustGet(serviceName);
    service.generation += 1;
    const n = service.revisions.length + 1;
    const letters = [0, 1, 2].map((i) => SUFFIX[(n * 7 + i * 11 + serviceName.length) % 26]).join('');
    const name = spec.name ?? `${serviceName}-${String(n).padStart(5, '0')}-${letters}`;
    service.revisions.push({
      name,
      createTime: new Date(this.now().getTime() - (spec.ageMs ?? 0)),
      pollsLeft: spec.readyAfterPolls ?? 0,
      fail: spec.fail ?? null,
      generation: service.generation,
    });
    return name;
  }

  setTraffic(serviceName: string, traffic: TrafficSpec[] | null): void {
    const service = this.mustGet(serviceName);
    service.traffic = traffic;
    service.generation += 1;
  }

  injectError(spec: ErrorSpec): void {
    this.errors.push({ ...spec, left: spec.times ?? Number.POSITIVE_INFINITY });
  }

  clearErrors(): void {
    this.errors = [];
  }

  has(serviceName: string): boolean {
    return this.services.has(serviceName);
  }

  serviceNames(): string[] {
    return [...this.services.keys()];
  }

  /** Records a call and returns the injected error it must fail with, if any. */
  callOf(method: string, service: string | null): ErrorSpec | null {
    const rule = this.errors.find(
      (e) =>
        e.left > 0 &&
        (e.method === undefined || e.method === method) &&
        (e.service === undefined || e.service === service),
    );
    if (rule) rule.left -= 1;
    this.calls.push({ method, service, at: Date.now(), error: rule?.code ?? null });
    return rule ?? null;
  }

  /** A read of the service or of one of its revisions: pending revisions move one poll closer. */
  poll(serviceName: string): void {
    for (const r of this.mustGet(serviceName).revisions) if (r.pollsLeft > 0) r.pollsLeft -= 1;
  }

  /** Applies an UpdateService: a changed template makes a new revision; traffic replaces traffic. */
  update(
    serviceName: string,
    input: { template?: Record<string, unknown>; traffic?: TrafficSpec[] },
    mask: string[] | null,
  ): void {
    const service = this.mustGet(serviceName);
    const touches = (field: string) => mask === null || mask.length === 0 || mask.includes(field);
    if (input.template && touches('template')) {
      const template = JSON.stringify(input.template);
      if (template !== service.template) {
        service.template = template;
        const annotations = (input.template.annotations ?? {}) as Record<string, string>;
        const after = annotations['sandbox.tdl/ready-after-polls'];
        const fail = annotations['sandbox.tdl/fail'];
        this.addRevision(serviceName, {
          ...(after === undefined
            ? {}
            : { readyAfterPolls: after === 'never' ? Number.POSITIVE_INFINITY : Number(after) }),
          ...(fail ? { fail } : {}),
        });
      }
    }
    if (input.traffic && touches('traffic'))
      this.setTraffic(serviceName, input.traffic.length ? input.traffic : null);
  }

  private mustGet(name: string): Service {
    const s = this.services.get(name);
    if (!s) throw new Error(`emulator: no service ${name}`);
    return s;
  }

  private readyState(r: Revision): 'CONDITION_SUCCEEDED' | 'CONDITION_FAILED' | 'CONDITION_RECONCILING' {
    if (r.pollsLeft > 0) return 'CONDITION_RECONCILING';
    return r.fail ? 'CONDITION_FAILED' : 'CONDITION_SUCCEEDED';
  }

  private uri(service: string, tag?: string): string {
    return `https://${tag ? `${tag}---` : ''}${service}-emu.${this.region}.run.sandbox`;
  }

  revisionMessage(serviceName: string, revisionName: string): Record<string, unknown> | null {
    const service = this.mustGet(serviceName);
    const r = service.revisions.find((x) => x.name === revisionName);
    if (!r) return null;
    const state = this.readyState(r);
    return {
      name: `${this.parent}/services/${service.name}/revisions/${r.name}`,
      uid: `${service.name}/${r.name}`,
      generation: String(r.generation),
      createTime: timestamp(r.createTime),
      updateTime: timestamp(r.createTime),
      service: `${this.parent}/services/${service.name}`,
      reconciling: state === 'CONDITION_RECONCILING',
      observedGeneration: String(r.generation),
      conditions: [
        {
          type: 'Ready',
          state,
          message:
            state === 'CONDITION_FAILED'
              ? r.fail
              : state === 'CONDITION_RECONCILING'
                ? 'Deploying revision: waiting for the container to become healthy.'
                : '',
          lastTransitionTime: timestamp(r.createTime),
          severity: state === 'CONDITION_FAILED' ? 'ERROR' : 'INFO',
          ...(state === 'CONDITION_FAILED' ? { reason: 'REVISION_FAILED' } : {}),
        },
      ],
    };
  }

  revisionNames(serviceName: string): string[] {
    return [...this.mustGet(serviceName).revisions].reverse().map((r) => r.name);
  }

  serviceMessage(serviceName: string): Record<string, unknown> {
    const service = this.mustGet(serviceName);
    const created = service.revisions[service.revisions.length - 1];
    const ready = [...service.revisions].reverse().find((r) => this.readyState(r) === 'CONDITION_SUCCEEDED');
    const traffic = service.traffic ?? [{ percent: 100 }];
    const createdState = created ? this.readyState(created) : 'CONDITION_RECONCILING';
    return {
      name: `${this.parent}/services/${service.name}`,
      uid: service.name,
      generation: String(service.generation),
      createTime: timestamp(service.createTime),
      updateTime: timestamp(created?.createTime ?? service.createTime),
      template: JSON.parse(service.template),
      traffic: traffic.map((t) => ({
        type: t.revision
          ? 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION'
          : 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST',
        ...(t.revision ? { revision: t.revision } : {}),
        percent: t.percent,
        ...(t.tag ? { tag: t.tag } : {}),
      })),
      observedGeneration: String(service.generation),
      terminalCondition: {
        type: 'Ready',
        state: createdState,
        message:
          createdState === 'CONDITION_FAILED'
            ? `Revision '${created?.name}' is not ready and cannot serve traffic. ${created?.fail}`
            : '',
        ...(createdState === 'CONDITION_FAILED' ? { reason: 'REVISION_FAILED' } : {}),
      },
      latestReadyRevision: ready ? `${this.parent}/services/${service.name}/revisions/${ready.name}` : '',
      latestCreatedRevision: created
        ? `${this.parent}/services/${service.name}/revisions/${created.name}`
        : '',
      trafficStatuses: traffic.map((t) => ({
        type: t.revision
          ? 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION'
          : 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST',
        revision: t.revision ?? ready?.name ?? '',
        percent: t.percent,
        ...(t.tag ? { tag: t.tag, uri: this.uri(service.name, t.tag) } : {}),
      })),
      uri: this.uri(service.name),
      reconciling: createdState === 'CONDITION_RECONCILING',
    };
  }
}
