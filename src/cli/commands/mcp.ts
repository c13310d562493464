import type { Command } from 'commander';

export function register(program: Command): void {
  program
    .command('mcp')
    .description("serve the loop's commands as MCP tools on stdio, for agents (see docs/agents.md)")
    .option('-p, --playbook <file>', 'playbook file (default: tdl.yaml, found as `tdl run` finds it)')
    .action(async (flags: { playbook?: string }) => {
      // The SDK is loaded here only: no other command pays for it.
      const { startMcpServer } = await import('../../mcp/server.js');
      await startMcpServer(flags.playbook ? { playbook: flags.playbook } : {});
    });
}
