/** Issues, comments, labels and pull requests: the GitHubPort (built by phase 6's issue). */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the phase 6 work
export interface GitHubPort {}
