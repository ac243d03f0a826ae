import { LanguageSwitch } from './LanguageSwitch.js';

/** The heading of a screen shown as a card (pre-join, errors), with the language switch beside it. */
export function CardHead({ title }: { title: string }) {
  return (
    <header class="card-head">
      <h1>{title}</h1>
      <LanguageSwitch />
    </header>
  );
}
