// The CLI's dispatcher: parse, run one command, turn every error into one readable line and an
// exit code (2: usage, 1: anything else). GPU modules load only after Dawn is navigator.gpu.
import { CliUsageError, parseCliArgs, USAGE } from './args.ts';
import { consoleIo, type CliIo } from './io.ts';

export async function runCli(argv: readonly string[], io: CliIo = consoleIo): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    if (args.command === 'help') {
      io.log(USAGE);
      return 0;
    }
    const needsGpu = args.command !== 'unet-step' || !args.cpu;
    if (needsGpu) {
      const { NoGpuAdapterError, GPU_HELP } = await import('./gpu.ts');
      const { nodeGpu } = await import('../gpu/node-gpu.ts');
      await nodeGpu().catch((e: unknown) => {
        throw new NoGpuAdapterError(`Dawn (npm "webgpu") could not start: ${(e as Error).message}. ${GPU_HELP}`);
      });
    }
    if (args.command === 'generate') await (await import('./generate.ts')).generateCommand(args, io);
    else if (args.command === 'sweep') await (await import('./sweep.ts')).sweepCommand(args, io);
    else if (args.command === 'lab') await (await import('./lab.ts')).labCommand(args, io);
    else await (await import('./unet-step.ts')).unetStepCommand(args, io);
    return 0;
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    io.err(`${err.name}: ${err.message}`);
    if (process.env.SLOTHFUL_DEBUG) io.err(err.stack ?? "");
    return err instanceof CliUsageError ? 2 : 1;
  }
}
