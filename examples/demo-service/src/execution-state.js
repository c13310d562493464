// The lifecycle of an agent run, as the websocket layer reports it.
export const ExecutionStateNames = ['pending', 'running', 'completed', 'failed', 'timeout', 'cancelled'];

export class ExecutionState {
  static PENDING = new ExecutionState('pending');
  static RUNNING = new ExecutionState('running');
  static COMPLETED = new ExecutionState('completed');
  static FAILED = new ExecutionState('failed');

  constructor(name) {
    this.name = name;
  }
}
