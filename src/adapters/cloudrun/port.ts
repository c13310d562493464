/** Reading Cloud Run services and revisions: the CloudRunPort (built by phase 0's issue). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the phase 0 work
export interface CloudRunPort {}
