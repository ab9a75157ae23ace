// `npm run make-model -- --config tiny --attention torch2 --dtype float32 --out public/models/tiny`
// Writes a synthetic SD pipeline (diffusers-ONNX layout) with seeded weights; see src/models/.
import { parseArgs } from 'node:util';
import { writePipeline } from '../models/pipeline.ts';
import { PIPELINE_CONFIGS } from '../models/configs.ts';
import { ATTENTION_STYLES, type AttentionStyle } from '../models/attention.ts';
import { isReplicaId, REPLICA_IDS, writeReplica } from '../models/replicas.ts';

const USAGE = `usage: make-model --replica ${REPLICA_IDS.join('|')} --out DIR [--seed N] [--fp32]
         (the exact form of that public repository at tiny size; --fp32: every form but the precision)
       make-model --config ${Object.keys(PIPELINE_CONFIGS).join('|')} --attention ${ATTENTION_STYLES.join('|')}
                  --dtype float32|float16 --out DIR [--seed N] [--sample-size N] [--input-ids int32|int64] [--external]
                  [--io-dtype float32]   (with --dtype float16: fp16 body behind fp32 inputs/outputs, as public web exports)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      config: { type: 'string', default: 'tiny' },
      attention: { type: 'string', default: 'torch2' },
      dtype: { type: 'string', default: 'float32' },
      out: { type: 'string' },
      seed: { type: 'string', default: '1' },
      'sample-size': { type: 'string' },
      'input-ids': { type: 'string', default: 'int32' },
      external: { type: 'boolean' },
      'io-dtype': { type: 'string' },
      replica: { type: 'string' },
      fp32: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.out) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  if (values.replica !== undefined) {
    if (!isReplicaId(values.replica)) throw new Error(`--replica must be one of ${REPLICA_IDS.join(', ')}.`);
    const t0 = performance.now();
    const r = await writeReplica(values.out, values.replica, Number(values.seed), { fp32: values.fp32 });
    console.log(`wrote the ${values.replica} replica (${r.files.length} files) to ${values.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (r.tokenizerDir) console.log(`its tokenizer lives in another repository: ${r.tokenizerDir} (pass --tokenizer ${r.tokenizerDir} to the CLI)`);
    return;
  }
  const style = values.attention as AttentionStyle;
  if (!ATTENTION_STYLES.includes(style)) throw new Error(`--attention must be one of ${ATTENTION_STYLES.join(', ')}.`);
  if (values.dtype !== 'float32' && values.dtype !== 'float16') throw new Error('--dtype must be float32 or float16.');
  if (values['io-dtype'] !== undefined && values['io-dtype'] !== 'float32' && values['io-dtype'] !== 'float16') throw new Error('--io-dtype must be float32 or float16.');
  if (values['input-ids'] !== 'int32' && values['input-ids'] !== 'int64') throw new Error('--input-ids must be int32 or int64.');
  const t0 = performance.now();
  const files = await writePipeline(values.out, values.config!, {
    attention: style,
    dtype: values.dtype,
    seed: Number(values.seed),
    inputIds: values['input-ids'],
    sampleSize: values['sample-size'] ? Number(values['sample-size']) : undefined,
    externalUnet: values.external,
    ioDtype: values['io-dtype'] as 'float32' | 'float16' | undefined,
  });
  console.log(`wrote ${files.length} files to ${values.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
