import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentCompleted, agentStarted, toolCompleted, toolExecuting } from '../../src/events.js';

test('golden path emits the five events in order', () => {
  const events = [
    agentStarted('r', 'a'),
    toolExecuting('r', 't', {}),
    toolCompleted('r', 't', [], 1),
    agentCompleted('r', {}),
  ];
  assert.deepEqual(
    events.map((e) => e.type),
    ['agent_started', 'tool_executing', 'tool_completed', 'agent_completed'],
  );
});
