// Typed errors that cross the worker boundary as {name, message, kind?} and are rebuilt there.
import { DeviceLostError, EngineBusyError, EngineNotLoadedError, GenerationInterrupted } from './engine.ts';
import { ModelLoadError, type ModelLoadErrorKind } from './model-source.ts';

export interface SerializedError {
  name: string;
  message: string;
  kind?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) return { name: e.name, message: e.message, kind: (e as { kind?: string }).kind };
  return { name: 'Error', message: String(e) };
}

class NamedError extends Error {
  constructor(
    override name: string,
    message: string,
  ) {
    super(message);
  }
}

export function deserializeError(s: SerializedError): Error {
  switch (s.name) {
    case 'GenerationInterrupted':
      return new GenerationInterrupted();
    case 'EngineBusyError':
      return new EngineBusyError(s.message);
    case 'EngineNotLoadedError':
      return new EngineNotLoadedError(s.message);
    case 'DeviceLostError': {
      const e = new DeviceLostError();
      e.message = s.message;
      return e;
    }
    case 'ModelLoadError':
      return new ModelLoadError((s.kind ?? 'format') as ModelLoadErrorKind, s.message);
    default:
      return new NamedError(s.name, s.message);
  }
}
