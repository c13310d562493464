// The lifecycle of an agent run, as the websocket layer reports it.
export const ExecutionStateNames = ['pending', 'running', 'completed', 'failed', 'timeout', 'cancelled'];

export class ExecutionState {
  static PENDING = 'pending';
  static RUNNING = 'running';
  static COMPLETED = 'completed';
  static FAILED = 'failed';
}
