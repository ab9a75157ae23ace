// SlothfulAttention settings: on/off, time decay, peak time, keep middle, and the In (down) and
// Out (up) block settings, with labels and tooltips from SA_PARAM_SPECS. The simple view links
// k_blend = v_blend and in/out depth_decay; named presets come with one sentence each.
import { POOL_MODES, SA_PARAM_SPECS, SIMPLE_BLEND_TOOLTIP, isSimple, toSimple, type PoolMode, type SaNumberPath, type SaParamPath, type SaParams } from '../sa/index.ts';
import type { SaPass } from '../state/params-slice.ts';
import { SA_PRESETS, matchingSaPresets } from '../params/sa-presets.ts';
import { useApp } from '../state/store.ts';
import { Check, Panel, Select, Slider } from './controls.tsx';

const spec = (path: SaParamPath) => SA_PARAM_SPECS.find((s) => s.path === path)!;
const MODE_LABELS: Record<PoolMode, string> = { '2D_AVG': '2D avg', '2D_MAX': '2D max', '1D_AVG': '1D avg', '1D_MAX': '1D max' };

function useSa(pass: SaPass): SaParams {
  return useApp((s) => (pass === 'first' ? s.params.sa : s.params.gen.hires.sa));
}

function NumberSa({ path, pass }: { path: SaNumberPath; pass: SaPass }) {
  const sp = spec(path);
  const sa = useSa(pass);
  const setSa = useApp((s) => s.setSa);
  if (sp.kind !== 'number') return null;
  const [head, key] = path.split('.') as [string, string | undefined];
  const value = (key ? (sa[head as 'in'] as unknown as Record<string, number>)[key] : (sa as unknown as Record<string, number>)[head]) as number;
  return <Slider label={sp.label} tooltip={sp.tooltip} value={value} min={sp.min} max={sp.max} step={sp.step} onChange={(v) => setSa(path, v, pass)} testId={`sa-${pass}-${path}`} />;
}

function ModeSa({ side, pass }: { side: 'in' | 'out'; pass: SaPass }) {
  const sp = spec(`${side}.mode`);
  const sa = useSa(pass);
  const setSa = useApp((s) => s.setSa);
  return <Select label={sp.label} tooltip={sp.tooltip} value={sa[side].mode} options={POOL_MODES.map((m) => ({ value: m, label: MODE_LABELS[m] }))} onChange={(v) => setSa(`${side}.mode`, v, pass)} testId={`sa-${pass}-${side}.mode`} />;
}

function BoolSa({ path, pass }: { path: 'enabled' | 'keep_middle'; pass: SaPass }) {
  const sp = spec(path);
  const sa = useSa(pass);
  const setSa = useApp((s) => s.setSa);
  return <Check label={sp.label} tooltip={sp.tooltip} checked={sa[path]} onChange={(v) => setSa(path, v, pass)} testId={`sa-${pass}-${path}`} />;
}

function SimpleBlend({ side, pass }: { side: 'in' | 'out'; pass: SaPass }) {
  const sa = useSa(pass);
  const setSaSimple = useApp((s) => s.setSaSimple);
  const k = spec(`${side}.k_blend`);
  if (k.kind !== 'number') return null;
  const where = side === 'in' ? 'down blocks' : 'up blocks';
  return (
    <Slider
      label={`K/V blend (${where})`}
      tooltip={SIMPLE_BLEND_TOOLTIP}
      value={toSimple(sa)[side].blend}
      min={k.min}
      max={k.max}
      step={k.step}
      onChange={(x) => setSaSimple({ [side]: { blend: x } }, pass)}
      testId={`sa-${pass}-${side}.blend`}
    />
  );
}

function SimpleDepth({ pass }: { pass: SaPass }) {
  const sa = useSa(pass);
  const setSaSimple = useApp((s) => s.setSaSimple);
  const sp = spec('in.depth_decay');
  if (sp.kind !== 'number') return null;
  return (
    <Slider
      label="Depth decay (both)"
      tooltip={`Sets the depth decay of down and up blocks together. ${sp.tooltip}`}
      value={toSimple(sa).depth_decay}
      min={sp.min}
      max={sp.max}
      step={sp.step}
      onChange={(x) => setSaSimple({ depth_decay: x }, pass)}
      testId={`sa-${pass}-depth_decay`}
    />
  );
}

function BlockSection({ side, pass, simple }: { side: 'in' | 'out'; pass: SaPass; simple: boolean }) {
  return (
    <fieldset className="group" data-testid={`sa-${pass}-${side}`}>
      <legend>{side === 'in' ? 'In blocks (down)' : 'Out blocks (up)'}</legend>
      <NumberSa path={`${side}.strength`} pass={pass} />
      {!simple && <NumberSa path={`${side}.depth_decay`} pass={pass} />}
      <ModeSa side={side} pass={pass} />
      {simple ? (
        <SimpleBlend side={side} pass={pass} />
      ) : (
        <>
          <NumberSa path={`${side}.k_blend`} pass={pass} />
          <NumberSa path={`${side}.v_blend`} pass={pass} />
        </>
      )}
    </fieldset>
  );
}

function Presets({ pass }: { pass: SaPass }) {
  const sa = useSa(pass);
  const applyPreset = useApp((s) => s.applyPreset);
  const matching = matchingSaPresets(sa);
  const current = SA_PRESETS.find((p) => p.id === matching[0]);
  return (
    <div className="presets">
      <Select
        label="Preset"
        value={current?.id ?? ''}
        options={[{ value: '', label: 'Custom settings', disabled: true }, ...SA_PRESETS.map((p) => ({ value: p.id, label: p.label }))]}
        onChange={(id) => id && applyPreset(id, pass)}
        testId={`sa-${pass}-preset`}
      />
      <p className="hint" data-testid={`sa-${pass}-preset-description`}>
        {current ? current.description : 'Your own settings (no preset matches them exactly).'}
      </p>
    </div>
  );
}

/** All SA controls of one pass (the first pass in the SA panel, the hires pass in its section). */
export function SaControls({ pass }: { pass: SaPass }) {
  const simple = useApp((s) => s.params.simple);
  const sa = useSa(pass);
  const setSimple = useApp((s) => s.setSimple);
  const resetSa = useApp((s) => s.resetSa);
  return (
    <div className="sa-controls" data-testid={`sa-controls-${pass}`}>
      <Presets pass={pass} />
      <div className="inline spread">
        <BoolSa path="enabled" pass={pass} />
        <Check label="Simple view" tooltip="Links K blend = V blend on each side and one depth decay for both sides. The full settings stay the truth; the first edit in the simple view links them." checked={simple} onChange={setSimple} testId={`sa-${pass}-simple`} />
      </div>
      {simple && !isSimple(sa) && <p className="hint">These settings differ between linked values; the simple view shows their mean and links them when you edit.</p>}
      <NumberSa path="time_decay" pass={pass} />
      <NumberSa path="peak_time" pass={pass} />
      <BoolSa path="keep_middle" pass={pass} />
      {simple && <SimpleDepth pass={pass} />}
      <BlockSection side="in" pass={pass} simple={simple} />
      <BlockSection side="out" pass={pass} simple={simple} />
      <button type="button" className="small" data-testid={`sa-${pass}-reset`} onClick={() => resetSa(pass)}>
        Reset to defaults
      </button>
    </div>
  );
}

export function SaPanel() {
  return (
    <Panel title="SlothfulAttention" testId="sa-panel" className="sa-panel">
      <SaControls pass="first" />
    </Panel>
  );
}
