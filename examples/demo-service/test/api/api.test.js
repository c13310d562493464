import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentStarted } from '../../src/events.js';

test('serializes events as JSON', () => {
  const text = JSON.stringify(agentStarted('r1', 'triage'));
  assert.match(text, /"type":"agent_started"/);
});

test('timestamps are milliseconds since the epoch', () => {
  const e = agentStarted('r1', 'triage');
  assert.ok(e.timestamp > 1_600_000_000_000);
});
