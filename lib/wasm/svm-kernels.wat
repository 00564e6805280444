;; Row passes of the linear SVM solvers and the plot's principal component, in WebAssembly SIMD
;; (compiled to svm-kernels-wasm.ts by `npm run build:kernels`). X is row-major float32 at $x; a row is named
;; by its element offset in X (u32 array at $offs), so folds and band subsets need no copies. Products
;; accumulate in float64, two lanes at a time: the solvers' margins must match the plain loops to rounding.
(module
  (import "env" "memory" (memory 1))

  ;; Σ_k X[row + k]·v[k] for k < d, with four f64x2 accumulators (short dependency chains).
  (func $dot (param $row i32) (param $d i32) (param $v i32) (result f64)
    (local $end i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s f64)
    (local.set $end (i32.add (local.get $row) (i32.shl (i32.and (local.get $d) (i32.const -8)) (i32.const 2))))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $row) (local.get $end)))
      (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $row))) (v128.load (local.get $v)))))
      (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $row))) (v128.load offset=16 (local.get $v)))))
      (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=16 (local.get $row))) (v128.load offset=32 (local.get $v)))))
      (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero offset=24 (local.get $row))) (v128.load offset=48 (local.get $v)))))
      (local.set $row (i32.add (local.get $row) (i32.const 32)))
      (local.set $v (i32.add (local.get $v) (i32.const 64)))
      (br $l)))
    (local.set $a0 (f64x2.add (f64x2.add (local.get $a0) (local.get $a1)) (f64x2.add (local.get $a2) (local.get $a3))))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
    (local.set $end (i32.add (local.get $row) (i32.shl (i32.and (local.get $d) (i32.const 7)) (i32.const 2))))
    (block $b2 (loop $l2
      (br_if $b2 (i32.ge_u (local.get $row) (local.get $end)))
      (local.set $s (f64.add (local.get $s) (f64.mul (f64.promote_f32 (f32.load (local.get $row))) (f64.load (local.get $v)))))
      (local.set $row (i32.add (local.get $row) (i32.const 4)))
      (local.set $v (i32.add (local.get $v) (i32.const 8)))
      (br $l2)))
    (local.get $s))

  ;; out[k] += c·X[row + k] for k < d.
  (func $axpy (param $c f64) (param $row i32) (param $d i32) (param $out i32)
    (local $end i32) (local $cc v128)
    (local.set $cc (f64x2.splat (local.get $c)))
    (local.set $end (i32.add (local.get $row) (i32.shl (i32.and (local.get $d) (i32.const -4)) (i32.const 2))))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $row) (local.get $end)))
      (v128.store (local.get $out) (f64x2.add (v128.load (local.get $out)) (f64x2.mul (local.get $cc) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $row))))))
      (v128.store offset=16 (local.get $out) (f64x2.add (v128.load offset=16 (local.get $out)) (f64x2.mul (local.get $cc) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 (local.get $row))))))
      (local.set $row (i32.add (local.get $row) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 32)))
      (br $l)))
    (local.set $end (i32.add (local.get $row) (i32.shl (i32.and (local.get $d) (i32.const 3)) (i32.const 2))))
    (block $b2 (loop $l2
      (br_if $b2 (i32.ge_u (local.get $row) (local.get $end)))
      (f64.store (local.get $out) (f64.add (f64.load (local.get $out)) (f64.mul (local.get $c) (f64.promote_f32 (f32.load (local.get $row))))))
      (local.set $row (i32.add (local.get $row) (i32.const 4)))
      (local.set $out (i32.add (local.get $out) (i32.const 8)))
      (br $l2))))

  ;; Byte address of row i: $x + 4·offs[i].
  (func $rowAt (param $x i32) (param $offs i32) (param $i i32) (result i32)
    (i32.add (local.get $x) (i32.shl (i32.load (i32.add (local.get $offs) (i32.shl (local.get $i) (i32.const 2)))) (i32.const 2))))

  ;; out[i] = x_i·v for the count rows named at $offs.
  (func (export "dots") (param $x i32) (param $offs i32) (param $count i32) (param $d i32) (param $v i32) (param $out i32)
    (local $i i32)
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (local.get $count)))
      (f64.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3)))
        (call $dot (call $rowAt (local.get $x) (local.get $offs) (local.get $i)) (local.get $d) (local.get $v)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  ;; out1[i] = x_i·v1 and out2[i] = x_i·v2 in one pass: a second product of a row already in L1 is nearly free
  ;; when the pass is bound by reading X from memory.
  (func (export "dots2") (param $x i32) (param $offs i32) (param $count i32) (param $d i32) (param $v1 i32) (param $v2 i32) (param $out1 i32) (param $out2 i32)
    (local $i i32) (local $row i32)
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (local.get $count)))
      (local.set $row (call $rowAt (local.get $x) (local.get $offs) (local.get $i)))
      (f64.store (i32.add (local.get $out1) (i32.shl (local.get $i) (i32.const 3))) (call $dot (local.get $row) (local.get $d) (local.get $v1)))
      (f64.store (i32.add (local.get $out2) (i32.shl (local.get $i) (i32.const 3))) (call $dot (local.get $row) (local.get $d) (local.get $v2)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  ;; out[0..d) += Σ_i coefs[i]·x_i (Xᵀu); rows with a zero coefficient are skipped.
  (func (export "combine") (param $x i32) (param $offs i32) (param $count i32) (param $d i32) (param $coefs i32) (param $out i32)
    (local $i i32) (local $c f64)
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (local.get $count)))
      (local.set $c (f64.load (i32.add (local.get $coefs) (i32.shl (local.get $i) (i32.const 3)))))
      (if (f64.ne (local.get $c) (f64.const 0))
        (then (call $axpy (local.get $c) (call $rowAt (local.get $x) (local.get $offs) (local.get $i)) (local.get $d) (local.get $out))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  ;; out[0..d) += Σ_i s_i·x_i with s_i = scale·(x_i·v − shift); returns Σ s_i. One read of each row serves
  ;; both products: the Hessian-vector product over band rows (shift 0) and the covariance product (shift μ·v).
  (func (export "gramProduct") (param $x i32) (param $offs i32) (param $count i32) (param $d i32) (param $v i32) (param $shift f64) (param $scale f64) (param $out i32) (result f64)
    (local $i i32) (local $row i32) (local $s f64) (local $total f64)
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $i) (local.get $count)))
      (local.set $row (call $rowAt (local.get $x) (local.get $offs) (local.get $i)))
      (local.set $s (f64.mul (local.get $scale) (f64.sub (call $dot (local.get $row) (local.get $d) (local.get $v)) (local.get $shift))))
      (local.set $total (f64.add (local.get $total) (local.get $s)))
      (call $axpy (local.get $s) (local.get $row) (local.get $d) (local.get $out))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $total))

  ;; T[a·n + r] = X[offs[r] + a] for a < d, r < count, zero for count <= r < n: the rows feature-major in
  ;; float64, so the Gram kernel streams two contiguous vectors per entry (n even).
  (func (export "gather") (param $x i32) (param $offs i32) (param $count i32) (param $n i32) (param $d i32) (param $T i32)
    (local $r i32) (local $a i32) (local $row i32) (local $dst i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $n) (i32.const 3)))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $r) (local.get $n)))
      (local.set $dst (i32.add (local.get $T) (i32.shl (local.get $r) (i32.const 3))))
      (local.set $a (i32.const 0))
      (if (i32.lt_u (local.get $r) (local.get $count))
        (then
          (local.set $row (call $rowAt (local.get $x) (local.get $offs) (local.get $r)))
          (block $b2 (loop $l2
            (br_if $b2 (i32.ge_u (local.get $a) (local.get $d)))
            (f64.store (local.get $dst) (f64.promote_f32 (f32.load (local.get $row))))
            (local.set $row (i32.add (local.get $row) (i32.const 4)))
            (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $l2))))
        (else
          (block $b3 (loop $l3
            (br_if $b3 (i32.ge_u (local.get $a) (local.get $d)))
            (f64.store (local.get $dst) (f64.const 0))
            (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $l3)))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $l))))

  ;; Σ_r T[a·n + r]·T[b·n + r] over r < n (n even), two lanes.
  (func $column (param $ta i32) (param $tb i32) (param $n i32) (result f64)
    (local $end i32) (local $acc v128)
    (local.set $end (i32.add (local.get $ta) (i32.shl (local.get $n) (i32.const 3))))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $ta) (local.get $end)))
      (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (v128.load (local.get $ta)) (v128.load (local.get $tb)))))
      (local.set $ta (i32.add (local.get $ta) (i32.const 16)))
      (local.set $tb (i32.add (local.get $tb) (i32.const 16)))
      (br $l)))
    (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))

  ;; S[a·p + b] += Σ_r T[a·n + r]·T[b·n + r] for b <= a < m (T from "gather", S row-major p x p, n even):
  ;; 4 x 2 register blocks, each r pair feeding eight products from six loads. A block touching the diagonal
  ;; also writes entries above it, which are never read.
  (func (export "gram") (param $T i32) (param $n i32) (param $m i32) (param $p i32) (param $S i32)
    (local $a i32) (local $b i32) (local $r i32) (local $stride i32)
    (local $t0 i32) (local $t1 i32) (local $t2 i32) (local $t3 i32) (local $u0 i32) (local $u1 i32) (local $end i32)
    (local $x0 v128) (local $x1 v128) (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128) (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local $dst i32) (local $prow i32)
    (local.set $stride (i32.shl (local.get $n) (i32.const 3)))
    (local.set $prow (i32.shl (local.get $p) (i32.const 3)))
    (block $ab (loop $al
      (br_if $ab (i32.gt_u (i32.add (local.get $a) (i32.const 3)) (i32.sub (local.get $m) (i32.const 1))))
      (local.set $t0 (i32.add (local.get $T) (i32.mul (local.get $a) (local.get $stride))))
      (local.set $t1 (i32.add (local.get $t0) (local.get $stride)))
      (local.set $t2 (i32.add (local.get $t1) (local.get $stride)))
      (local.set $t3 (i32.add (local.get $t2) (local.get $stride)))
      (local.set $b (i32.const 0))
      (block $bb (loop $bl
        (br_if $bb (i32.gt_u (local.get $b) (i32.add (local.get $a) (i32.const 2))))
        (local.set $u0 (i32.add (local.get $T) (i32.mul (local.get $b) (local.get $stride))))
        (local.set $u1 (i32.add (local.get $u0) (local.get $stride)))
        (local.set $s00 (v128.const i64x2 0 0)) (local.set $s01 (v128.const i64x2 0 0))
        (local.set $s10 (v128.const i64x2 0 0)) (local.set $s11 (v128.const i64x2 0 0))
        (local.set $s20 (v128.const i64x2 0 0)) (local.set $s21 (v128.const i64x2 0 0))
        (local.set $s30 (v128.const i64x2 0 0)) (local.set $s31 (v128.const i64x2 0 0))
        (local.set $r (i32.const 0))
        (block $rb (loop $rl
          (br_if $rb (i32.ge_u (local.get $r) (local.get $stride)))
          (local.set $x0 (v128.load (i32.add (local.get $u0) (local.get $r))))
          (local.set $x1 (v128.load (i32.add (local.get $u1) (local.get $r))))
          (local.set $v0 (v128.load (i32.add (local.get $t0) (local.get $r))))
          (local.set $v1 (v128.load (i32.add (local.get $t1) (local.get $r))))
          (local.set $v2 (v128.load (i32.add (local.get $t2) (local.get $r))))
          (local.set $v3 (v128.load (i32.add (local.get $t3) (local.get $r))))
          (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $v0) (local.get $x0))))
          (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $v0) (local.get $x1))))
          (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $v1) (local.get $x0))))
          (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $v1) (local.get $x1))))
          (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $v2) (local.get $x0))))
          (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $v2) (local.get $x1))))
          (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $v3) (local.get $x0))))
          (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $v3) (local.get $x1))))
          (local.set $r (i32.add (local.get $r) (i32.const 16)))
          (br $rl)))
        (local.set $dst (i32.add (local.get $S) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $p)) (local.get $b)) (i32.const 3))))
        (call $addSum (local.get $dst) (local.get $s00) (local.get $s01))
        (local.set $dst (i32.add (local.get $dst) (local.get $prow)))
        (call $addSum (local.get $dst) (local.get $s10) (local.get $s11))
        (local.set $dst (i32.add (local.get $dst) (local.get $prow)))
        (call $addSum (local.get $dst) (local.get $s20) (local.get $s21))
        (local.set $dst (i32.add (local.get $dst) (local.get $prow)))
        (call $addSum (local.get $dst) (local.get $s30) (local.get $s31))
        (local.set $b (i32.add (local.get $b) (i32.const 2)))
        (br $bl)))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (br $al)))
    ;; The last m mod 4 rows of S one entry at a time.
    (block $tb (loop $tl
      (br_if $tb (i32.ge_u (local.get $a) (local.get $m)))
      (local.set $t0 (i32.add (local.get $T) (i32.mul (local.get $a) (local.get $stride))))
      (local.set $b (i32.const 0))
      (block $bb2 (loop $bl2
        (br_if $bb2 (i32.gt_u (local.get $b) (local.get $a)))
        (local.set $dst (i32.add (local.get $S) (i32.shl (i32.add (i32.mul (local.get $a) (local.get $p)) (local.get $b)) (i32.const 3))))
        (f64.store (local.get $dst) (f64.add (f64.load (local.get $dst))
          (call $column (local.get $t0) (i32.add (local.get $T) (i32.mul (local.get $b) (local.get $stride))) (local.get $n))))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bl2)))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (br $tl))))

  ;; dst[0] += both lanes of s0, dst[1] += both lanes of s1.
  (func $addSum (param $dst i32) (param $s0 v128) (param $s1 v128)
    (f64.store (local.get $dst) (f64.add (f64.load (local.get $dst)) (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0)))))
    (f64.store offset=8 (local.get $dst) (f64.add (f64.load offset=8 (local.get $dst)) (f64.add (f64x2.extract_lane 0 (local.get $s1)) (f64x2.extract_lane 1 (local.get $s1))))))

  ;; One pass of liblinear's dual coordinate descent (linear-svm-dual-cd.ts, Hsieh et al. 2008 Algorithms 1
  ;; and 3) over index[0..active): per row one product with w, and an update of w while the row is in L1.
  ;; y, QD and alpha are f64 per training row, offs their rows in X, w has d + 1 entries (the last one times
  ;; B is the bias). Writes the pass's projected-gradient maximum and minimum to stats[0..1]; returns the
  ;; active size after shrinking.
  (func (export "dualCdPass") (param $x i32) (param $offs i32) (param $y i32) (param $qd i32) (param $alpha i32)
    (param $index i32) (param $active i32) (param $d i32) (param $w i32) (param $B f64) (param $C f64)
    (param $pgMaxOld f64) (param $pgMinOld f64) (param $shrinking i32) (param $stats i32) (result i32)
    (local $s i32) (local $i i32) (local $row i32) (local $wd i32) (local $yi f64) (local $G f64) (local $a f64)
    (local $PG f64) (local $next f64) (local $delta f64) (local $pgMax f64) (local $pgMin f64) (local $slot i32)
    (local.set $pgMax (f64.const -inf))
    (local.set $pgMin (f64.const inf))
    (local.set $wd (i32.add (local.get $w) (i32.shl (local.get $d) (i32.const 3))))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $s) (local.get $active)))
      (local.set $slot (i32.add (local.get $index) (i32.shl (local.get $s) (i32.const 2))))
      (local.set $i (i32.load (local.get $slot)))
      (local.set $row (call $rowAt (local.get $x) (local.get $offs) (local.get $i)))
      (local.set $yi (f64.load (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3)))))
      (local.set $G (f64.sub (f64.mul (local.get $yi)
        (f64.add (call $dot (local.get $row) (local.get $d) (local.get $w)) (f64.mul (f64.load (local.get $wd)) (local.get $B)))) (f64.const 1)))
      (local.set $a (f64.load (i32.add (local.get $alpha) (i32.shl (local.get $i) (i32.const 3)))))
      (block $shrunk
        (block $kept
          (if (f64.eq (local.get $a) (f64.const 0))
            (then
              (br_if $shrunk (i32.and (local.get $shrinking) (f64.gt (local.get $G) (local.get $pgMaxOld))))
              (local.set $PG (f64.min (local.get $G) (f64.const 0))))
            (else
              (if (f64.eq (local.get $a) (local.get $C))
                (then
                  (br_if $shrunk (i32.and (local.get $shrinking) (f64.lt (local.get $G) (local.get $pgMinOld))))
                  (local.set $PG (f64.max (local.get $G) (f64.const 0))))
                (else (local.set $PG (local.get $G))))))
          (local.set $pgMax (f64.max (local.get $pgMax) (local.get $PG)))
          (local.set $pgMin (f64.min (local.get $pgMin) (local.get $PG)))
          (if (f64.gt (f64.abs (local.get $PG)) (f64.const 1e-12))
            (then
              (local.set $next (f64.min (f64.max (f64.sub (local.get $a)
                (f64.div (local.get $G) (f64.load (i32.add (local.get $qd) (i32.shl (local.get $i) (i32.const 3)))))) (f64.const 0)) (local.get $C)))
              (f64.store (i32.add (local.get $alpha) (i32.shl (local.get $i) (i32.const 3))) (local.get $next))
              (local.set $delta (f64.mul (f64.sub (local.get $next) (local.get $a)) (local.get $yi)))
              (call $axpy (local.get $delta) (local.get $row) (local.get $d) (local.get $w))
              (f64.store (local.get $wd) (f64.add (f64.load (local.get $wd)) (f64.mul (local.get $delta) (local.get $B))))))
          (local.set $s (i32.add (local.get $s) (i32.const 1)))
          (br $rows))
        (unreachable))
      ;; Shrunk: swap the row to the end of the active part and look at slot s again.
      (local.set $active (i32.sub (local.get $active) (i32.const 1)))
      (i32.store (local.get $slot) (i32.load (i32.add (local.get $index) (i32.shl (local.get $active) (i32.const 2)))))
      (i32.store (i32.add (local.get $index) (i32.shl (local.get $active) (i32.const 2))) (local.get $i))
      (br $rows)))
    (f64.store (local.get $stats) (local.get $pgMax))
    (f64.store offset=8 (local.get $stats) (local.get $pgMin))
    (local.get $active))

  ;; dst[j] -= c·src[j] for j < count, float64 both.
  (func $subScaled (param $c f64) (param $src i32) (param $dst i32) (param $count i32)
    (local $end i32) (local $cc v128)
    (local.set $cc (f64x2.splat (local.get $c)))
    (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $count) (i32.const -2)) (i32.const 3))))
    (block $b (loop $l
      (br_if $b (i32.ge_u (local.get $src) (local.get $end)))
      (v128.store (local.get $dst) (f64x2.sub (v128.load (local.get $dst)) (f64x2.mul (local.get $cc) (v128.load (local.get $src)))))
      (local.set $src (i32.add (local.get $src) (i32.const 16)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
      (br $l)))
    (if (i32.and (local.get $count) (i32.const 1))
      (then (f64.store (local.get $dst) (f64.sub (f64.load (local.get $dst)) (f64.mul (local.get $c) (f64.load (local.get $src))))))))

  ;; Σ_j a[j]·b[j] for j < count, float64 both, two f64x2 accumulators.
  (func $dotDense (param $a i32) (param $b i32) (param $count i32) (result f64)
    (local $end i32) (local $s0 v128) (local $s1 v128) (local $s f64)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 3))))
    (block $b4 (loop $l4
      (br_if $b4 (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
      (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
      (local.set $a (i32.add (local.get $a) (i32.const 32)))
      (local.set $b (i32.add (local.get $b) (i32.const 32)))
      (br $l4)))
    (local.set $s0 (f64x2.add (local.get $s0) (local.get $s1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $count) (i32.const 3)) (i32.const 3))))
    (block $b1 (loop $l1
      (br_if $b1 (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $a)) (f64.load (local.get $b)))))
      (local.set $a (i32.add (local.get $a) (i32.const 8)))
      (local.set $b (i32.add (local.get $b) (i32.const 8)))
      (br $l1)))
    (local.get $s))

  ;; Solves RᵀRz = z in place for the upper triangular p x p row-major R (linear-svm-newton-factor.ts):
  ;; forward by rows of R (each solved entry subtracted from those after it), then back by row products.
  (func (export "factorSolve") (param $R i32) (param $p i32) (param $z i32)
    (local $k i32) (local $row i32) (local $zk i32) (local $yk f64) (local $rest i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $p) (i32.const 3)))
    (block $fb (loop $fl
      (br_if $fb (i32.ge_u (local.get $k) (local.get $p)))
      (local.set $row (i32.add (local.get $R) (i32.mul (local.get $k) (i32.add (local.get $rowBytes) (i32.const 8)))))
      (local.set $zk (i32.add (local.get $z) (i32.shl (local.get $k) (i32.const 3))))
      (local.set $yk (f64.div (f64.load (local.get $zk)) (f64.load (local.get $row))))
      (f64.store (local.get $zk) (local.get $yk))
      (local.set $rest (i32.sub (i32.sub (local.get $p) (local.get $k)) (i32.const 1)))
      (call $subScaled (local.get $yk) (i32.add (local.get $row) (i32.const 8)) (i32.add (local.get $zk) (i32.const 8)) (local.get $rest))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br $fl)))
    (block $bb (loop $bl
      (br_if $bb (i32.eqz (local.get $k)))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (local.set $row (i32.add (local.get $R) (i32.mul (local.get $k) (i32.add (local.get $rowBytes) (i32.const 8)))))
      (local.set $zk (i32.add (local.get $z) (i32.shl (local.get $k) (i32.const 3))))
      (local.set $rest (i32.sub (i32.sub (local.get $p) (local.get $k)) (i32.const 1)))
      (f64.store (local.get $zk) (f64.div
        (f64.sub (f64.load (local.get $zk)) (call $dotDense (i32.add (local.get $row) (i32.const 8)) (i32.add (local.get $zk) (i32.const 8)) (local.get $rest)))
        (f64.load (local.get $row))))
      (br $bl))))

  ;; Overwrites the lower triangle of the symmetric positive definite p x p row-major A with its Cholesky
  ;; factor L (row by row, each entry one product of two finished rows). Returns 0 if a pivot is not positive.
  (func (export "cholesky") (param $A i32) (param $p i32) (result i32)
    (local $i i32) (local $j i32) (local $ri i32) (local $rj i32) (local $rowBytes i32) (local $v f64) (local $at i32)
    (local.set $rowBytes (i32.shl (local.get $p) (i32.const 3)))
    (block $ib (loop $il
      (br_if $ib (i32.ge_u (local.get $i) (local.get $p)))
      (local.set $ri (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $rowBytes))))
      (local.set $j (i32.const 0))
      (block $jb (loop $jl
        (br_if $jb (i32.gt_u (local.get $j) (local.get $i)))
        (local.set $rj (i32.add (local.get $A) (i32.mul (local.get $j) (local.get $rowBytes))))
        (local.set $at (i32.add (local.get $ri) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $v (f64.sub (f64.load (local.get $at)) (call $dotDense (local.get $ri) (local.get $rj) (local.get $j))))
        (if (i32.eq (local.get $i) (local.get $j))
          (then
            (if (i32.eqz (f64.gt (local.get $v) (f64.const 0))) (then (return (i32.const 0))))
            (f64.store (local.get $at) (f64.sqrt (local.get $v))))
          (else
            (f64.store (local.get $at) (f64.div (local.get $v) (f64.load (i32.add (local.get $rj) (i32.shl (local.get $j) (i32.const 3))))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jl)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $il)))
    (i32.const 1))
)
