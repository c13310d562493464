// Builds the websocket events the chat UI consumes. The tests in test/critical pin their shape.
// The tool events were moved to a nested `payload` during a refactor, while consumers (and the
// mission-critical tests) still read the fields at the top level: the demo's realistic failure.

export function agentStarted(runId, agent) {
  return { type: 'agent_started', run_id: runId, agent, timestamp: Date.now() };
}

export function agentThinking(runId, thought) {
  return { type: 'agent_thinking', run_id: runId, thought, timestamp: Date.now() };
}

export function toolExecuting(runId, toolName, parameters) {
  return {
    type: 'tool_executing',
    run_id: runId,
    payload: { tool_name: toolName, parameters },
    timestamp: Date.now(),
  };
}

export function toolCompleted(runId, toolName, results, duration) {
  return {
    type: 'tool_completed',
    run_id: runId,
    payload: { tool_name: toolName, results, duration },
    timestamp: Date.now(),
  };
}

export function agentCompleted(runId, result) {
  return { type: 'agent_completed', run_id: runId, result, timestamp: Date.now() };
}
