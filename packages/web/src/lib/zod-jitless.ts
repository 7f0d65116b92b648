import { z } from 'zod';

// The app runs under a Content-Security-Policy without 'unsafe-eval'. zod compiles fast object
// parsers with `new Function` where it may, and its probe for that is itself reported as a
// violation; jitless skips the probe. It must run before any schema is built, hence imported first
// by main.tsx. Parsing API responses is nowhere near hot enough to miss the compiled parsers.
z.config({ jitless: true });
