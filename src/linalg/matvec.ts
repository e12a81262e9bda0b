/**
 * Dense row-major matrix-vector products on WebAssembly blocks (SIMD kernels
 * in assembly/linalg/matvec.ts): the level-2 building blocks of the Krylov
 * solvers' dense operators and of tabular Bellman code.
 */
import { kernels } from "../core/wasm.js";
import type { Block } from "../core/arena.js";
import { checkBlock, checkDimension, checkDistinctBlocks, checkFiniteNumber } from "../core/validate.js";

function checkGemv(where: string, m: Block<"f64">, rows: number, cols: number, x: Block<"f64">, y: Block<"f64">,
  xLength: number, yLength: number, alpha: number, beta: number): void {
  checkDimension("rows", rows, { function: where });
  checkDimension("cols", cols, { function: where });
  checkBlock("m", m, "f64", rows * cols, { function: where });
  checkBlock("x", x, "f64", xLength, { function: where });
  checkBlock("y", y, "f64", yLength, { function: where });
  checkDistinctBlocks("y", y, x, "x", { function: where });
  checkDistinctBlocks("y", y, m, "m", { function: where });
  checkFiniteNumber("alpha", alpha, { function: where });
  checkFiniteNumber("beta", beta, { function: where });
}

/**
 * y <- alpha M x + beta y, y_i = alpha sum_j M[i][j] x_j + beta y_i (BLAS dgemv).
 * M is rows×cols row-major (M[i][j] at i cols + j), i in [0, rows), j in [0, cols);
 * x has cols entries, y rows entries and must not be x. With beta = 0 (the
 * default) y is only written. Returns y.
 */
export function matvec(m: Block<"f64">, rows: number, cols: number, x: Block<"f64">, y: Block<"f64">,
  alpha = 1, beta = 0): Block<"f64"> {
  checkGemv("matvec", m, rows, cols, x, y, cols, rows, alpha, beta);
  kernels().denseGemvSimd(m.ptr, x.ptr, y.ptr, rows, cols, alpha, beta);
  return y;
}

/**
 * y <- alpha M^T x + beta y, y_j = alpha sum_i M[i][j] x_i + beta y_j (BLAS dgemv, 'T').
 * M is rows×cols row-major; x has rows entries, y cols entries and must not
 * be x. With beta = 0 (the default) y is only written. Returns y.
 */
export function matvecTransposed(m: Block<"f64">, rows: number, cols: number, x: Block<"f64">, y: Block<"f64">,
  alpha = 1, beta = 0): Block<"f64"> {
  checkGemv("matvecTransposed", m, rows, cols, x, y, rows, cols, alpha, beta);
  kernels().denseGemvTransposedSimd(m.ptr, x.ptr, y.ptr, rows, cols, alpha, beta);
  return y;
}
