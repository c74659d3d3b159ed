/**
 * Affine maps in pixel coordinates (row, col) as 3×3 matrices. They follow Keras's
 * `apply_affine_transform` convention: a matrix maps an OUTPUT pixel to the INPUT position it is read
 * from (inverse mapping), so every output pixel gets exactly one value.
 */

export type Matrix3 = [[number, number, number], [number, number, number], [number, number, number]];

const rad = (deg: number): number => (deg * Math.PI) / 180;

export function identity(): Matrix3 {
  return [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
}

export function multiply(a: Matrix3, b: Matrix3): Matrix3 {
  const out = identity();
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) out[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
  }
  return out;
}

/** Turn the content by `degrees` counter-clockwise as the image is displayed (rows run downwards). */
export function rotationMatrix(degrees: number): Matrix3 {
  const c = Math.cos(rad(degrees));
  const s = Math.sin(rad(degrees));
  return [
    [c, s, 0],
    [-s, c, 0],
    [0, 0, 1],
  ];
}

/** Move the content down by `rows` and right by `cols` pixels. */
export function shiftMatrix(rows: number, cols: number): Matrix3 {
  return [
    [1, 0, -rows],
    [0, 1, -cols],
    [0, 0, 1],
  ];
}

/** Keras's shear: an angle in degrees (not a fraction), slanting rows along columns. */
export function shearMatrix(degrees: number): Matrix3 {
  return [
    [1, -Math.sin(rad(degrees)), 0],
    [0, Math.cos(rad(degrees)), 0],
    [0, 0, 1],
  ];
}

/**
 * Keras's zoom: factors multiply the input coordinates, so a factor above 1 reads a larger area
 * and the content looks smaller (zooms out); below 1 it zooms in.
 */
export function zoomMatrix(rowFactor: number, colFactor: number): Matrix3 {
  if (!(rowFactor > 0) || !(colFactor > 0)) throw new Error(`zoomMatrix: factors must be > 0, got ${rowFactor}, ${colFactor}`);
  return [
    [rowFactor, 0, 0],
    [0, colFactor, 0],
    [0, 0, 1],
  ];
}

/** The same map taken about the image centre instead of pixel (0, 0). */
export function aboutCentre(m: Matrix3, height: number, width: number): Matrix3 {
  const r0 = height / 2 - 0.5;
  const c0 = width / 2 - 0.5;
  const toCentre: Matrix3 = [
    [1, 0, r0],
    [0, 1, c0],
    [0, 0, 1],
  ];
  const fromCentre: Matrix3 = [
    [1, 0, -r0],
    [0, 1, -c0],
    [0, 0, 1],
  ];
  return multiply(multiply(toCentre, m), fromCentre);
}
