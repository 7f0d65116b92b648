import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from 'react';

interface FieldShellProps {
  id: string;
  label: string;
  hint?: ReactNode;
  hintId: string;
  optional?: boolean;
  aside?: ReactNode;
  children: ReactNode;
}

function FieldShell({ id, label, hint, hintId, optional, aside, children }: FieldShellProps) {
  return (
    <div className="field">
      <div className="field-label-row">
        <label htmlFor={id} className="field-label">
          {label}
          {optional ? <span className="field-optional"> (optional)</span> : null}
        </label>
        {aside}
      </div>
      {children}
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
    </div>
  );
}

type TextFieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  hint?: ReactNode;
  optional?: boolean;
};

/** A visible label, the input, and an optional hint wired up with aria-describedby. */
export function TextField({ label, hint, optional, id, ...input }: TextFieldProps) {
  const auto = useId();
  const fieldId = id ?? auto;
  const hintId = `${fieldId}-hint`;
  return (
    <FieldShell id={fieldId} label={label} hint={hint} hintId={hintId} optional={optional}>
      <input id={fieldId} className="input" aria-describedby={hint ? hintId : undefined} {...input} />
    </FieldShell>
  );
}

type TextAreaFieldProps = TextareaHTMLAttributes<HTMLTextAreaElement> & {
  label: string;
  hint?: ReactNode;
  optional?: boolean;
  /** Shows "n/max" beside the label. */
  maxChars?: number;
};

export function TextAreaField({ label, hint, optional, maxChars, id, ...textarea }: TextAreaFieldProps) {
  const auto = useId();
  const fieldId = id ?? auto;
  const hintId = `${fieldId}-hint`;
  const counterId = `${fieldId}-count`;
  const length = typeof textarea.value === 'string' ? textarea.value.length : 0;
  const describedBy = [hint ? hintId : null, maxChars ? counterId : null].filter(Boolean).join(' ');
  return (
    <FieldShell
      id={fieldId}
      label={label}
      hint={hint}
      hintId={hintId}
      optional={optional}
      aside={
        maxChars ? (
          <span id={counterId} className={`field-counter${length > maxChars ? ' over' : ''}`}>
            {length}/{maxChars}
          </span>
        ) : null
      }
    >
      <textarea
        id={fieldId}
        className="input textarea"
        maxLength={maxChars}
        aria-describedby={describedBy || undefined}
        {...textarea}
      />
    </FieldShell>
  );
}

type SelectFieldProps = SelectHTMLAttributes<HTMLSelectElement> & {
  label: string;
  hint?: ReactNode;
  options: readonly { value: string; label: string }[];
};

export function SelectField({ label, hint, options, id, ...select }: SelectFieldProps) {
  const auto = useId();
  const fieldId = id ?? auto;
  const hintId = `${fieldId}-hint`;
  return (
    <FieldShell id={fieldId} label={label} hint={hint} hintId={hintId}>
      <select id={fieldId} className="input select" aria-describedby={hint ? hintId : undefined} {...select}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}
