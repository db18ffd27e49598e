import { Transform } from 'class-transformer';

/**
 * Rounds a JSON number to `places` decimals before validation. Fractions are stored in PostgreSQL `real`
 * columns, which refuse magnitudes below about 1e-38 ("out of range for type real"); `places` is also the
 * precision the API answers with. Anything but a finite number is left as it is, for the validators to refuse.
 */
export const RoundToDecimals = (places: number): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return value;
    const scale = 10 ** places;
    return Math.round(value * scale) / scale;
  });
