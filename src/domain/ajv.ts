import { Ajv, type Options } from 'ajv';
import ajvFormats from 'ajv-formats';

/** One ajv configuration for HTTP bodies, config and rule files. */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, discriminator: true, strict: false, ...options });
  ajvFormats.default(ajv);
  return ajv;
}
