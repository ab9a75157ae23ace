// Small form controls shared by the panels: a labelled slider with a number box, a select, a
// checkbox, and a help button that shows a tooltip as text (hover shows it too). Values are
// committed to the store by the caller; text from links or files is only ever rendered as text.
import { useId, useState, type ReactNode } from 'react';

/** A "?" button named after its control ("Help: Strength") that shows `text` below it. */
export function Tip({ text, label }: { text: string; label: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <>
      <button type="button" className="tip" title={text} aria-label={`Help: ${label}`} aria-expanded={open} aria-controls={open ? id : undefined} onClick={() => setOpen(!open)}>
        ?
      </button>
      {open && (
        <span className="tip-text" role="note" id={id}>
          {text}
        </span>
      )}
    </>
  );
}

function decimals(step: number): number {
  const s = String(step);
  return s.includes('.') ? s.length - s.indexOf('.') - 1 : 0;
}

export interface SliderProps {
  label: string;
  tooltip?: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange: (v: number) => void;
  disabled?: boolean;
  testId?: string;
}

/** A range slider and a number box for the same value; the number box commits on Enter or blur. */
export function Slider({ label, tooltip, value, min, max, step, onChange, disabled, testId }: SliderProps) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft === null) return;
    const v = Number(draft);
    if (draft.trim() !== '' && Number.isFinite(v)) onChange(v);
    setDraft(null);
  };
  return (
    <div className="field slider" data-testid={testId}>
      <label htmlFor={id}>{label}</label>
      {tooltip && <Tip text={tooltip} label={label} />}
      <div className="slider-row">
        <input id={id} type="range" min={min} max={max} step={step} value={Math.min(max, Math.max(min, value))} disabled={disabled} onChange={(e) => onChange(Number(e.target.value))} />
        <input
          type="number"
          aria-label={label}
          className="num"
          min={min}
          max={max}
          step={step}
          disabled={disabled}
          value={draft ?? Number(value.toFixed(Math.max(decimals(step), 0)))}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => e.key === 'Enter' && commit()}
        />
      </div>
    </div>
  );
}

export interface SelectProps<T extends string> {
  label: string;
  tooltip?: string;
  value: T;
  options: readonly { value: T; label: string; disabled?: boolean }[];
  onChange: (v: T) => void;
  disabled?: boolean;
  testId?: string;
}

export function Select<T extends string>({ label, tooltip, value, options, onChange, disabled, testId }: SelectProps<T>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {tooltip && <Tip text={tooltip} label={label} />}
      <select id={id} value={value} disabled={disabled} data-testid={testId} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => (
          <option key={o.value} value={o.value} disabled={o.disabled}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function Check({ label, tooltip, checked, onChange, disabled, testId }: { label: string; tooltip?: string; checked: boolean; onChange: (v: boolean) => void; disabled?: boolean; testId?: string }) {
  return (
    <div className="field check">
      <label>
        <input type="checkbox" checked={checked} disabled={disabled} data-testid={testId} onChange={(e) => onChange(e.target.checked)} /> {label}
      </label>
      {tooltip && <Tip text={tooltip} label={label} />}
    </div>
  );
}

export function ProgressBar({ value, label, testId }: { value: number; label: string; testId?: string }) {
  const pct = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div className="progress" data-testid={testId}>
      <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label={label}>
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-label">{label}</span>
    </div>
  );
}

export function Panel({ title, children, testId, className = '', actions }: { title: string; children: ReactNode; testId?: string; className?: string; actions?: ReactNode }) {
  const id = useId();
  return (
    <section className={`panel ${className}`} aria-labelledby={id} data-testid={testId}>
      <div className="panel-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
