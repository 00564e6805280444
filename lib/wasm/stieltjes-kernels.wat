;; Riemann-Stieltjes sums over consecutive rows of float32 matrices, in WebAssembly SIMD (compiled to
;; stieltjes-kernels-wasm.ts by `npm run build:kernels`). The module imports the memory it works on, so it can read
;; matrices that another module (a tensor library's heap) wrote, without copying them out.
(module
  (import "env" "memory" (memory 1))

  ;; map[d] += Σ_{k < steps} g[k·w + d] · (y[(k+1)·w + d] − y[k·w + d]) for d < w, where map is float64 at $map and
  ;; y (steps + 1 rows) and g (steps rows) are row-major float32 at $y and $g. Block by block of 2,048 entries with
  ;; every step per block, so the block of map stays in cache; each entry still adds its terms in step order, and
  ;; the product and sums are float64 (no fused multiply-add in WebAssembly), so the sums equal a plain float64 loop
  ;; bit for bit. Two entries per f64x2 lane pair, unrolled to four.
  (func (export "stieltjes") (param $map i32) (param $y i32) (param $g i32) (param $w i32) (param $steps i32)
    (local $start i32) (local $end i32) (local $quad i32) (local $k i32) (local $row i32) (local $rowBytes i32)
    (local $d i32) (local $yp i32) (local $gp i32) (local $mp i32)
    (local.set $rowBytes (i32.shl (local.get $w) (i32.const 2)))
    (block $blocksDone (loop $blocks
      (br_if $blocksDone (i32.ge_u (local.get $start) (local.get $w)))
      (local.set $end (i32.add (local.get $start) (i32.const 2048)))
      (if (i32.gt_u (local.get $end) (local.get $w)) (then (local.set $end (local.get $w))))
      ;; The block's entries in fours; the rest one at a time.
      (local.set $quad (i32.add (local.get $start) (i32.and (i32.sub (local.get $end) (local.get $start)) (i32.const -4))))
      (local.set $k (i32.const 0))
      (block $stepsDone (loop $stepLoop
        (br_if $stepsDone (i32.ge_u (local.get $k) (local.get $steps)))
        (local.set $row (i32.mul (local.get $k) (local.get $rowBytes)))
        (local.set $d (local.get $start))
        (block $quadsDone (loop $quads
          (br_if $quadsDone (i32.ge_u (local.get $d) (local.get $quad)))
          (local.set $yp (i32.add (local.get $y) (i32.add (local.get $row) (i32.shl (local.get $d) (i32.const 2)))))
          (local.set $gp (i32.add (local.get $g) (i32.add (local.get $row) (i32.shl (local.get $d) (i32.const 2)))))
          (local.set $mp (i32.add (local.get $map) (i32.shl (local.get $d) (i32.const 3))))
          (v128.store (local.get $mp)
            (f64x2.add (v128.load (local.get $mp))
              (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $gp)))
                (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $yp) (local.get $rowBytes))))
                  (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $yp)))))))
          (v128.store offset=16 (local.get $mp)
            (f64x2.add (v128.load offset=16 (local.get $mp))
              (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $gp)))
                (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (i32.add (local.get $yp) (local.get $rowBytes))))
                  (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $yp)))))))
          (local.set $d (i32.add (local.get $d) (i32.const 4)))
          (br $quads)))
        (block $restDone (loop $rest
          (br_if $restDone (i32.ge_u (local.get $d) (local.get $end)))
          (local.set $yp (i32.add (local.get $y) (i32.add (local.get $row) (i32.shl (local.get $d) (i32.const 2)))))
          (local.set $gp (i32.add (local.get $g) (i32.add (local.get $row) (i32.shl (local.get $d) (i32.const 2)))))
          (local.set $mp (i32.add (local.get $map) (i32.shl (local.get $d) (i32.const 3))))
          (f64.store (local.get $mp)
            (f64.add (f64.load (local.get $mp))
              (f64.mul (f64.promote_f32 (f32.load (local.get $gp)))
                (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $yp) (local.get $rowBytes))))
                  (f64.promote_f32 (f32.load (local.get $yp)))))))
          (local.set $d (i32.add (local.get $d) (i32.const 1)))
          (br $rest)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $stepLoop)))
      (local.set $start (local.get $end))
      (br $blocks)))))
