/** The one polling helper of the server tests; it lives in testing/ so e2e specs and benches share it. */
export { type EventuallyOptions, eventually } from '../testing/eventually.ts';
