// Generation panel: model, prompts, seed, steps, guidance, size, sampler, img2img init image and
// its denoise strength, the optional hires second pass (with its own SA), Generate / Cancel.
import { useState } from 'react';
import { GEN_PARAM_SPECS, MAX_SEED, SCHEDULER_LABELS, genParamSpec, type GenNumberPath } from '../params/gen-params.ts';
import { SCHEDULER_NAMES } from '../params/request.ts';
import { useApp } from '../state/store.ts';
import { Check, Panel, Select, Slider, Tip } from './controls.tsx';
import { InitImageZone } from './InitImageZone.tsx';
import { ModelPicker } from './ModelPicker.tsx';
import { PromptHelper } from './PromptHelper.tsx';
import { RunBar } from './RunBar.tsx';
import { SaControls } from './SaPanel.tsx';

const SIZE_PRESETS: readonly [number, number][] = [[128, 128], [256, 256], [384, 384], [512, 512], [512, 768], [768, 512], [640, 640], [768, 768], [1024, 1024]];

function NumberParam({ path, testId }: { path: GenNumberPath; testId?: string }) {
  const spec = genParamSpec(path);
  const value = useApp((s) => {
    const g = s.params.gen;
    return path.startsWith('hires.') ? (g.hires[path.slice(6) as 'scale'] as number) : (g[path as 'steps'] as number);
  });
  const setGen = useApp((s) => s.setGen);
  if (spec.kind !== 'number') return null;
  return <Slider label={spec.label} tooltip={spec.tooltip} value={value} min={spec.min} max={spec.max} step={spec.step} onChange={(v) => setGen(path, v)} testId={testId} />;
}

function TextParam({ path, rows }: { path: 'prompt' | 'negativePrompt'; rows: number }) {
  const spec = genParamSpec(path);
  const value = useApp((s) => s.params.gen[path]);
  const setGen = useApp((s) => s.setGen);
  const id = `gen-${path}`;
  return (
    <div className="field">
      <label htmlFor={id}>{spec.label}</label>
      <Tip text={spec.tooltip} label={spec.label} />
      <textarea id={id} rows={rows} value={value} data-testid={id} maxLength={spec.kind === 'text' ? spec.maxLength : undefined} onChange={(e) => setGen(path, e.target.value)} />
    </div>
  );
}

function SeedField() {
  const seed = useApp((s) => s.params.gen.seed);
  const setGen = useApp((s) => s.setGen);
  const [draft, setDraft] = useState<string | null>(null);
  const spec = genParamSpec('seed');
  const commit = () => {
    if (draft !== null && /^\d+$/.test(draft.trim())) setGen('seed', Number(draft.trim()));
    setDraft(null);
  };
  const roll = () => setGen('seed', crypto.getRandomValues(new Uint32Array(1))[0] % (MAX_SEED + 1));
  return (
    <div className="field">
      <label htmlFor="gen-seed">Seed</label>
      <Tip text={spec.tooltip} label="Seed" />
      <div className="inline">
        <input id="gen-seed" data-testid="gen-seed" inputMode="numeric" value={draft ?? String(seed)} onChange={(e) => setDraft(e.target.value)} onBlur={commit} onKeyDown={(e) => e.key === 'Enter' && commit()} />
        <button type="button" className="icon" onClick={roll} title="Random seed" aria-label="Random seed">
          ⚄
        </button>
      </div>
    </div>
  );
}

function SizeFields() {
  const width = useApp((s) => s.params.gen.width);
  const height = useApp((s) => s.params.gen.height);
  const setGen = useApp((s) => s.setGen);
  const current = `${width}x${height}`;
  const presets = SIZE_PRESETS.map(([w, h]) => `${w}x${h}`);
  return (
    <div className="size-fields">
      <Select
        label="Size"
        tooltip={genParamSpec('width').tooltip}
        value={presets.includes(current) ? current : 'custom'}
        options={[...presets.map((p) => ({ value: p, label: p.replace('x', ' × ') })), { value: 'custom', label: 'Custom' }]}
        onChange={(v) => {
          if (v === 'custom') return;
          const [w, h] = v.split('x').map(Number);
          setGen('width', w);
          setGen('height', h);
        }}
        testId="size-preset"
      />
      <NumberParam path="width" />
      <NumberParam path="height" />
    </div>
  );
}

function HiresSection() {
  const enabled = useApp((s) => s.params.gen.hires.enabled);
  const setGen = useApp((s) => s.setGen);
  const spec = GEN_PARAM_SPECS.find((s) => s.path === 'hires.enabled')!;
  return (
    <fieldset className="group">
      <legend>Second pass</legend>
      <Check label={spec.label} tooltip={spec.tooltip} checked={enabled} onChange={(v) => setGen('hires.enabled', v)} testId="hires-enabled" />
      {enabled && (
        <>
          <NumberParam path="hires.scale" />
          <NumberParam path="hires.denoise" />
          <NumberParam path="hires.steps" />
          <details className="hires-sa">
            <summary>SA of the second pass</summary>
            <SaControls pass="hires" />
          </details>
        </>
      )}
    </fieldset>
  );
}

export function GenerationPanel() {
  const scheduler = useApp((s) => s.params.gen.scheduler);
  const setGen = useApp((s) => s.setGen);
  const spec = genParamSpec('scheduler');
  return (
    <Panel title="Generate" testId="generation-panel" className="gen-panel">
      <ModelPicker />
      <TextParam path="prompt" rows={3} />
      <PromptHelper />
      <TextParam path="negativePrompt" rows={1} />
      <RunBar />
      <div className="two-col">
        <SeedField />
        <Select label={spec.label} tooltip={spec.tooltip} value={scheduler} options={SCHEDULER_NAMES.map((v) => ({ value: v, label: SCHEDULER_LABELS[v] }))} onChange={(v) => setGen('scheduler', v)} testId="scheduler" />
      </div>
      <NumberParam path="steps" testId="steps" />
      <NumberParam path="guidance" />
      <SizeFields />
      <fieldset className="group">
        <legend>img2img</legend>
        <InitImageZone />
        <NumberParam path="denoise" />
      </fieldset>
      <HiresSection />
    </Panel>
  );
}
