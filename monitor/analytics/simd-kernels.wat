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

  ;; Barnes-Hut repulsion over a quadtree built in JS (tsne-quadtree.ts), as tsne-barnes-hut.ts walks it without
  ;; quadrupoles: each leaf's points share one walk; a cell far enough from their bounding box stands in for its
  ;; points, other leaves meet them pair by pair. Two of the leaf's points per f64x2, so a pair costs half a
  ;; division. The leaf meets itself pair by pair too, self-pairs included (w = 1 exactly, no force): z is
  ;; returned with those n ones taken off. Point arrays (px, py, fx, fy: f64 in tree order) need one padding slot
  ;; past n; node arrays: comX, comY, side2 f64, count, pointStart, firstChild, childCount, leaves i32.
  (func (export "barnesHut")
    (param $n i32) (param $px i32) (param $py i32) (param $comX i32) (param $comY i32) (param $side2 i32)
    (param $count i32) (param $pointStart i32) (param $firstChild i32) (param $childCount i32)
    (param $leaves i32) (param $leafCount i32) (param $open f64) (param $stack i32) (param $fx i32) (param $fy i32)
    (result f64)
    (local $l i32) (local $leaf i32) (local $s i32) (local $e i32) (local $p i32) (local $top i32) (local $node i32)
    (local $ns i32) (local $ne i32) (local $r i32) (local $first i32) (local $c i32) (local $at i32)
    (local $minX f64) (local $maxX f64) (local $minY f64) (local $maxY f64) (local $cx f64) (local $cy f64)
    (local $gx f64) (local $gy f64) (local $v f64)
    (local $z v128) (local $one v128) (local $mask v128) (local $xi v128) (local $yi v128) (local $ex v128)
    (local $ey v128) (local $w v128) (local $ww v128) (local $ax v128) (local $ay v128) (local $zl v128)
    (local $cxv v128) (local $cyv v128) (local $mv v128)
    (local.set $one (f64x2.splat (f64.const 1)))
    (memory.fill (local.get $fx) (i32.const 0) (i32.shl (i32.add (local.get $n) (i32.const 1)) (i32.const 3)))
    (memory.fill (local.get $fy) (i32.const 0) (i32.shl (i32.add (local.get $n) (i32.const 1)) (i32.const 3)))
    (block $lDone
      (loop $lLoop
        (br_if $lDone (i32.ge_u (local.get $l) (local.get $leafCount)))
        (local.set $leaf (i32.load (i32.add (local.get $leaves) (i32.shl (local.get $l) (i32.const 2)))))
        (local.set $s (i32.load (i32.add (local.get $pointStart) (i32.shl (local.get $leaf) (i32.const 2)))))
        (local.set $e (i32.add (local.get $s) (i32.load (i32.add (local.get $count) (i32.shl (local.get $leaf) (i32.const 2))))))
        ;; An odd group's last pair carries a point of the next leaf in lane 1: the mask drops its terms.
        (local.set $mask (select (v128.const i64x2 -1 0) (v128.const i64x2 -1 -1) (i32.and (i32.sub (local.get $e) (local.get $s)) (i32.const 1))))
        (local.set $minX (f64.const inf)) (local.set $maxX (f64.const -inf))
        (local.set $minY (f64.const inf)) (local.set $maxY (f64.const -inf))
        (local.set $p (local.get $s))
        (block $bDone
          (loop $bLoop
            (br_if $bDone (i32.ge_u (local.get $p) (local.get $e)))
            (local.set $v (f64.load (i32.add (local.get $px) (i32.shl (local.get $p) (i32.const 3)))))
            (local.set $minX (f64.min (local.get $minX) (local.get $v)))
            (local.set $maxX (f64.max (local.get $maxX) (local.get $v)))
            (local.set $v (f64.load (i32.add (local.get $py) (i32.shl (local.get $p) (i32.const 3)))))
            (local.set $minY (f64.min (local.get $minY) (local.get $v)))
            (local.set $maxY (f64.max (local.get $maxY) (local.get $v)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $bLoop)))
        (i32.store (local.get $stack) (i32.const 0))
        (local.set $top (i32.const 1))
        (block $wDone
          (loop $wLoop
            (br_if $wDone (i32.eqz (local.get $top)))
            (local.set $top (i32.sub (local.get $top) (i32.const 1)))
            (local.set $node (i32.load (i32.add (local.get $stack) (i32.shl (local.get $top) (i32.const 2)))))
            (local.set $at (i32.shl (local.get $node) (i32.const 2)))
            (local.set $ns (i32.load (i32.add (local.get $pointStart) (local.get $at))))
            (local.set $ne (i32.add (local.get $ns) (i32.load (i32.add (local.get $count) (local.get $at)))))
            (local.set $first (i32.load (i32.add (local.get $firstChild) (local.get $at))))
            (block $next
              ;; Cells holding the group itself are always opened: summarising them would count the group's own points.
              (if (i32.or (i32.gt_u (local.get $ns) (local.get $s)) (i32.ge_u (local.get $s) (local.get $ne)))
                (then
                  (local.set $at (i32.shl (local.get $node) (i32.const 3)))
                  (local.set $cx (f64.load (i32.add (local.get $comX) (local.get $at))))
                  (local.set $cy (f64.load (i32.add (local.get $comY) (local.get $at))))
                  (local.set $gx (f64.max (f64.const 0) (f64.max (f64.sub (local.get $minX) (local.get $cx)) (f64.sub (local.get $cx) (local.get $maxX)))))
                  (local.set $gy (f64.max (f64.const 0) (f64.max (f64.sub (local.get $minY) (local.get $cy)) (f64.sub (local.get $cy) (local.get $maxY)))))
                  (if (f64.lt (f64.load (i32.add (local.get $side2) (local.get $at)))
                        (f64.mul (local.get $open) (f64.add (f64.mul (local.get $gx) (local.get $gx)) (f64.mul (local.get $gy) (local.get $gy)))))
                    (then
                      (local.set $cxv (f64x2.splat (local.get $cx)))
                      (local.set $cyv (f64x2.splat (local.get $cy)))
                      (local.set $mv (f64x2.splat (f64.convert_i32_u (i32.sub (local.get $ne) (local.get $ns)))))
                      (local.set $p (local.get $s))
                      (block $cDone
                        (loop $cLoop
                          (br_if $cDone (i32.ge_u (local.get $p) (local.get $e)))
                          (local.set $at (i32.shl (local.get $p) (i32.const 3)))
                          (local.set $ex (f64x2.sub (v128.load (i32.add (local.get $px) (local.get $at))) (local.get $cxv)))
                          (local.set $ey (f64x2.sub (v128.load (i32.add (local.get $py) (local.get $at))) (local.get $cyv)))
                          (local.set $w (f64x2.div (local.get $one)
                            (f64x2.add (f64x2.add (local.get $one) (f64x2.mul (local.get $ex) (local.get $ex))) (f64x2.mul (local.get $ey) (local.get $ey)))))
                          (if (i32.eq (i32.add (local.get $p) (i32.const 1)) (local.get $e))
                            (then (local.set $w (v128.and (local.get $w) (local.get $mask)))))
                          (local.set $ax (f64x2.mul (local.get $mv) (local.get $w)))
                          (local.set $z (f64x2.add (local.get $z) (local.get $ax)))
                          (local.set $ww (f64x2.mul (local.get $ax) (local.get $w)))
                          (v128.store (i32.add (local.get $fx) (local.get $at))
                            (f64x2.add (v128.load (i32.add (local.get $fx) (local.get $at))) (f64x2.mul (local.get $ww) (local.get $ex))))
                          (v128.store (i32.add (local.get $fy) (local.get $at))
                            (f64x2.add (v128.load (i32.add (local.get $fy) (local.get $at))) (f64x2.mul (local.get $ww) (local.get $ey))))
                          (local.set $p (i32.add (local.get $p) (i32.const 2)))
                          (br $cLoop)))
                      (br $next)))))
              (if (i32.lt_s (local.get $first) (i32.const 0))
                (then
                  (local.set $p (local.get $s))
                  (block $pDone
                    (loop $pLoop
                      (br_if $pDone (i32.ge_u (local.get $p) (local.get $e)))
                      (local.set $at (i32.shl (local.get $p) (i32.const 3)))
                      (local.set $xi (v128.load (i32.add (local.get $px) (local.get $at))))
                      (local.set $yi (v128.load (i32.add (local.get $py) (local.get $at))))
                      (local.set $ax (v128.const i64x2 0 0))
                      (local.set $ay (v128.const i64x2 0 0))
                      (local.set $zl (v128.const i64x2 0 0))
                      (local.set $r (local.get $ns))
                      (block $rDone
                        (loop $rLoop
                          (br_if $rDone (i32.ge_u (local.get $r) (local.get $ne)))
                          (local.set $ex (f64x2.sub (local.get $xi) (v128.load64_splat (i32.add (local.get $px) (i32.shl (local.get $r) (i32.const 3))))))
                          (local.set $ey (f64x2.sub (local.get $yi) (v128.load64_splat (i32.add (local.get $py) (i32.shl (local.get $r) (i32.const 3))))))
                          (local.set $w (f64x2.div (local.get $one)
                            (f64x2.add (f64x2.add (local.get $one) (f64x2.mul (local.get $ex) (local.get $ex))) (f64x2.mul (local.get $ey) (local.get $ey)))))
                          (local.set $zl (f64x2.add (local.get $zl) (local.get $w)))
                          (local.set $ww (f64x2.mul (local.get $w) (local.get $w)))
                          (local.set $ax (f64x2.add (local.get $ax) (f64x2.mul (local.get $ww) (local.get $ex))))
                          (local.set $ay (f64x2.add (local.get $ay) (f64x2.mul (local.get $ww) (local.get $ey))))
                          (local.set $r (i32.add (local.get $r) (i32.const 1)))
                          (br $rLoop)))
                      (if (i32.eq (i32.add (local.get $p) (i32.const 1)) (local.get $e))
                        (then
                          (local.set $zl (v128.and (local.get $zl) (local.get $mask)))
                          (local.set $ax (v128.and (local.get $ax) (local.get $mask)))
                          (local.set $ay (v128.and (local.get $ay) (local.get $mask)))))
                      (local.set $z (f64x2.add (local.get $z) (local.get $zl)))
                      (v128.store (i32.add (local.get $fx) (local.get $at)) (f64x2.add (v128.load (i32.add (local.get $fx) (local.get $at))) (local.get $ax)))
                      (v128.store (i32.add (local.get $fy) (local.get $at)) (f64x2.add (v128.load (i32.add (local.get $fy) (local.get $at))) (local.get $ay)))
                      (local.set $p (i32.add (local.get $p) (i32.const 2)))
                      (br $pLoop)))
                  (br $next)))
              ;; Children pushed last-first, so they are walked in tree order.
              (local.set $c (i32.add (local.get $first) (i32.load (i32.add (local.get $childCount) (i32.shl (local.get $node) (i32.const 2))))))
              (block $kDone
                (loop $kLoop
                  (br_if $kDone (i32.le_s (local.get $c) (local.get $first)))
                  (local.set $c (i32.sub (local.get $c) (i32.const 1)))
                  (i32.store (i32.add (local.get $stack) (i32.shl (local.get $top) (i32.const 2))) (local.get $c))
                  (local.set $top (i32.add (local.get $top) (i32.const 1)))
                  (br $kLoop))))
            (br $wLoop)))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $lLoop)))
    (f64.sub (call $sum (local.get $z)) (f64.convert_i32_u (local.get $n))))
)
