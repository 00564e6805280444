;; SIMD kernels of the t-SNE hot loops (f64x2: two lanes of float64, so results match the JS loops to rounding).
;; Compiled by `npx tsx bench/build-simd-kernels.ts` into simd-kernels-wasm.ts; the JS owns the memory layout.
(module
  (memory (export "memory") 1)

  ;; out[(i - i0) * (j1 - j0) + (j - j0)] = |x_i - x_j|² for i in [i0, i1), j in [j0, j1), rows of x being
  ;; `d` float64 at byte offset `x`. Needs d even, (i1 - i0) even and (j1 - j0) a multiple of 4: a 2 x 4 block
  ;; of pairs shares its 6 loads per two dimensions, and its 8 accumulators stay in registers.
  (func (export "squaredDistances")
    (param $x i32) (param $d i32) (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $out i32)
    (local $row i32) (local $width i32) (local $i i32) (local $j i32) (local $t i32) (local $o i32)
    (local $a0 i32) (local $a1 i32) (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $va0 v128) (local $va1 v128) (local $vb v128) (local $e v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local.set $row (i32.shl (local.get $d) (i32.const 3)))
    (local.set $width (i32.sub (local.get $j1) (local.get $j0)))
    (local.set $i (local.get $i0))
    (block $iDone
      (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $i1)))
        (local.set $a0 (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $row))))
        (local.set $a1 (i32.add (local.get $a0) (local.get $row)))
        (local.set $j (local.get $j0))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $j) (local.get $j1)))
            (local.set $b0 (i32.add (local.get $x) (i32.mul (local.get $j) (local.get $row))))
            (local.set $b1 (i32.add (local.get $b0) (local.get $row)))
            (local.set $b2 (i32.add (local.get $b1) (local.get $row)))
            (local.set $b3 (i32.add (local.get $b2) (local.get $row)))
            (local.set $s00 (v128.const i64x2 0 0)) (local.set $s01 (v128.const i64x2 0 0))
            (local.set $s02 (v128.const i64x2 0 0)) (local.set $s03 (v128.const i64x2 0 0))
            (local.set $s10 (v128.const i64x2 0 0)) (local.set $s11 (v128.const i64x2 0 0))
            (local.set $s12 (v128.const i64x2 0 0)) (local.set $s13 (v128.const i64x2 0 0))
            (local.set $t (i32.const 0))
            (block $tDone
              (loop $tLoop
                (br_if $tDone (i32.ge_u (local.get $t) (local.get $row)))
                (local.set $va0 (v128.load (i32.add (local.get $a0) (local.get $t))))
                (local.set $va1 (v128.load (i32.add (local.get $a1) (local.get $t))))
                (local.set $vb (v128.load (i32.add (local.get $b0) (local.get $t))))
                (local.set $e (f64x2.sub (local.get $va0) (local.get $vb)))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $e (f64x2.sub (local.get $va1) (local.get $vb)))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $vb (v128.load (i32.add (local.get $b1) (local.get $t))))
                (local.set $e (f64x2.sub (local.get $va0) (local.get $vb)))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $e (f64x2.sub (local.get $va1) (local.get $vb)))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $vb (v128.load (i32.add (local.get $b2) (local.get $t))))
                (local.set $e (f64x2.sub (local.get $va0) (local.get $vb)))
                (local.set $s02 (f64x2.add (local.get $s02) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $e (f64x2.sub (local.get $va1) (local.get $vb)))
                (local.set $s12 (f64x2.add (local.get $s12) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $vb (v128.load (i32.add (local.get $b3) (local.get $t))))
                (local.set $e (f64x2.sub (local.get $va0) (local.get $vb)))
                (local.set $s03 (f64x2.add (local.get $s03) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $e (f64x2.sub (local.get $va1) (local.get $vb)))
                (local.set $s13 (f64x2.add (local.get $s13) (f64x2.mul (local.get $e) (local.get $e))))
                (local.set $t (i32.add (local.get $t) (i32.const 16)))
                (br $tLoop)))
            (local.set $o (i32.add (local.get $out)
              (i32.shl (i32.add (i32.mul (i32.sub (local.get $i) (local.get $i0)) (local.get $width)) (i32.sub (local.get $j) (local.get $j0))) (i32.const 3))))
            (f64.store offset=0 (local.get $o) (call $sum (local.get $s00)))
            (f64.store offset=8 (local.get $o) (call $sum (local.get $s01)))
            (f64.store offset=16 (local.get $o) (call $sum (local.get $s02)))
            (f64.store offset=24 (local.get $o) (call $sum (local.get $s03)))
            (local.set $o (i32.add (local.get $o) (i32.shl (local.get $width) (i32.const 3))))
            (f64.store offset=0 (local.get $o) (call $sum (local.get $s10)))
            (f64.store offset=8 (local.get $o) (call $sum (local.get $s11)))
            (f64.store offset=16 (local.get $o) (call $sum (local.get $s12)))
            (f64.store offset=24 (local.get $o) (call $sum (local.get $s13)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $jLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $iLoop))))

  (func $sum (param $v v128) (result f64)
    (f64.add (f64x2.extract_lane 0 (local.get $v)) (f64x2.extract_lane 1 (local.get $v))))

  ;; t-SNE attraction over the upper triangle of P in CSR (rowStart: n + 1 i32, columns: i32, values: f64) and a
  ;; layout y (n points of (x, y) float64): out[i] = Σⱼ pᵢⱼ wᵢⱼ (yᵢ - yⱼ), each pair pushing both of its points.
  ;; A point's (x, y) is one f64x2, so a pair costs one load, one store and one division.
  (func (export "attraction")
    (param $n i32) (param $rowStart i32) (param $columns i32) (param $values i32) (param $y i32) (param $out i32)
    (local $i i32) (local $e i32) (local $end i32) (local $at i32)
    (local $yi v128) (local $acc v128) (local $diff v128) (local $sq v128) (local $f v128)
    (memory.fill (local.get $out) (i32.const 0) (i32.shl (local.get $n) (i32.const 4)))
    (local.set $e (i32.load (local.get $rowStart)))
    (block $iDone
      (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $yi (v128.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 4)))))
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $end (i32.load (i32.add (local.get $rowStart) (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 2)))))
        (block $eDone
          (loop $eLoop
            (br_if $eDone (i32.ge_u (local.get $e) (local.get $end)))
            (local.set $at (i32.shl (i32.load (i32.add (local.get $columns) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 4)))
            (local.set $diff (f64x2.sub (local.get $yi) (v128.load (i32.add (local.get $y) (local.get $at)))))
            (local.set $sq (f64x2.mul (local.get $diff) (local.get $diff)))
            ;; (1 + dx²) + dy², in the JS loop's order, so both give the same bits.
            (local.set $f (f64x2.mul (local.get $diff) (f64x2.splat
              (f64.div (f64.load (i32.add (local.get $values) (i32.shl (local.get $e) (i32.const 3))))
                (f64.add (f64.add (f64.const 1) (f64x2.extract_lane 0 (local.get $sq))) (f64x2.extract_lane 1 (local.get $sq)))))))
            (local.set $acc (f64x2.add (local.get $acc) (local.get $f)))
            (local.set $at (i32.add (local.get $out) (local.get $at)))
            (v128.store (local.get $at) (f64x2.sub (v128.load (local.get $at)) (local.get $f)))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $eLoop)))
        (local.set $at (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 4))))
        (v128.store (local.get $at) (f64x2.add (v128.load (local.get $at)) (local.get $acc)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iLoop))))
)
