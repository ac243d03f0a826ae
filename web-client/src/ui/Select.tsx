/** A drop-down of `options`, each shown as `label` words it; `onChange` gets the option chosen itself. */
export function Select<T extends string | number>(props: {
  value: T;
  options: readonly T[];
  label: (option: T) => string;
  onChange: (option: T) => void;
  /** Its name when no label holds it. */
  ariaLabel?: string;
  disabled?: boolean;
  testId?: string;
}) {
  return (
    <select
      value={String(props.value)}
      aria-label={props.ariaLabel}
      disabled={props.disabled}
      data-testid={props.testId}
      onChange={(e) => {
        const option = props.options[e.currentTarget.selectedIndex];
        if (option !== undefined) props.onChange(option);
      }}
    >
      {props.options.map((option) => (
        <option key={option} value={String(option)}>
          {props.label(option)}
        </option>
      ))}
    </select>
  );
}
