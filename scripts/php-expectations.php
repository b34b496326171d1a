<?php
// Asks real PHP, set up as Kublade's worker runs Blade, what every case in tests/php_cases.json
// should give, and rewrites that file.
//
//   php scripts/php-expectations.php > tests/php_cases.json
//
// A case is [operation, arguments...]. Operations named `_x` are the runtime helpers of
// src/php (each defined below as the PHP expression it stands for); `echo` and `echo_raw` are
// `{{ $v }}` and `{!! $v !!}`; every other operation is the PHP function of that name.
// PHP runs with the oracle's ini values (short_open_tag, precision 14), Laravel 12's error handler
// (warnings and notices are errors, deprecations are logged and the call goes on) and Laravel
// 12's e(): all three come from the Blade oracle's library, ../shared/kublade-oracle/kublade.php
// (which ../shared/blade-oracle/render.php runs; $KUBLADE_ORACLE names it elsewhere).
// Arguments and results travel as JSON (JSON_PRESERVE_ZERO_FRACTION keeps 1.0 a float).

const INI = ['short_open_tag' => '1', 'precision' => '14', 'serialize_precision' => '-1', 'date.timezone' => 'UTC'];
if (getenv('PHP_EXPECTATIONS_REEXEC') !== '1') {
    putenv('PHP_EXPECTATIONS_REEXEC=1');
    $cmd = [PHP_BINARY];
    foreach (INI as $k => $v) {
        array_push($cmd, '-d', "$k=$v");
    }
    $p = proc_open(array_merge($cmd, [__FILE__], array_slice($argv, 1)), [0 => STDIN, 1 => STDOUT, 2 => STDERR], $pipes);
    exit($p === false ? 2 : proc_close($p));
}
$root = dirname(__DIR__);
$library = getenv('KUBLADE_ORACLE') ?: null;
foreach (["$root/../shared/kublade-oracle/kublade.php", "$root/../../shared/kublade-oracle/kublade.php"] as $candidate) {
    if ($library === null && is_file($candidate)) {
        $library = $candidate;
    }
}
if ($library === null || !is_file($library)) {
    fwrite(STDERR, "php-expectations.php: no kublade-oracle/kublade.php found; set KUBLADE_ORACLE\n");
    exit(2);
}
putenv('KUBLADE_ORACLE_LIB=1');
require $library;

$helpers = [
    '_truthy' => fn($v) => (bool) $v,
    '_get' => fn($c, $k) => $c[$k],
    '_lget' => fn($c, $k) => $c[$k] ?? null,
    '_isset' => fn($v) => isset($v),
    '_empty' => fn($v) => empty($v),
    '_concat' => fn($a, $b) => $a . $b,
    '_add' => fn($a, $b) => $a + $b,
    '_sub' => fn($a, $b) => $a - $b,
    '_mul' => fn($a, $b) => $a * $b,
    '_div' => fn($a, $b) => $a / $b,
    '_mod' => fn($a, $b) => $a % $b,
    '_pow' => fn($a, $b) => $a ** $b,
    '_neg' => fn($a) => -$a,
    '_pos' => fn($a) => +$a,
    '_eq' => fn($a, $b) => $a == $b,
    '_ne' => fn($a, $b) => $a != $b,
    '_ident' => fn($a, $b) => $a === $b,
    '_nident' => fn($a, $b) => $a !== $b,
    '_lt' => fn($a, $b) => $a < $b,
    '_gt' => fn($a, $b) => $a > $b,
    '_le' => fn($a, $b) => $a <= $b,
    '_ge' => fn($a, $b) => $a >= $b,
    '_cmp' => fn($a, $b) => $a <=> $b,
    '_xor' => fn($a, $b) => $a xor $b,
    // Called by name, as a template calls it: PHP compiles that call to its own opcode, whose
    // errors differ from those of the function called dynamically (`$op(...)`).
    'array_key_exists' => fn($key, $array) => array_key_exists($key, $array),
    // `[value]` is a positional entry, `[key, value]` a keyed one: evaluated as the array
    // literal they stand for, since PHP numbers a literal's entries unlike appends to `[]`.
    '_arr' => function ($pairs) {
        $entries = array_map(fn($pair) => count($pair) === 1
            ? var_export($pair[0], true)
            : var_export($pair[0], true) . ' => ' . var_export($pair[1], true), $pairs);
        return eval('return [' . implode(', ', $entries) . '];');
    },
    '_values' => function ($v) {
        $out = [];
        foreach ($v as $x) {
            $out[] = $x;
        }
        return $out;
    },
    '_pairs' => function ($v) {
        $out = [];
        foreach ($v as $k => $x) {
            $out[] = [$k, $x];
        }
        return $out;
    },
    '_raw' => fn($v) => (string) $v,
    '_json' => fn($v, $flags = 15, $depth = 512) => (string) json_encode($v, $flags, $depth),
    'echo' => fn($v) => e($v),
    'echo_raw' => function ($v) {
        ob_start();
        try {
            echo $v;
        } finally {
            $out = ob_get_clean();
        }
        return $out;
    },
];

$max = PHP_INT_MAX;
$min = PHP_INT_MIN;
$list = [10, 20];
$map = ['a' => 1, 'b' => [1, 2]];
$scalars = [null, true, false, 0, 1, -1, 0.0, 1.5, '', '0', '1', '01', '1e1', ' 1', '1 ', 'abc', 'ABC', '10', '9', '9a', [], [1], [1, 2], ['a' => 1], $max, -0.5];

$cases = [];
foreach (['', '0', '0.0', ' ', 'a', 0, 0.0, 1, -1, 1.5, [], [0], ['a' => null], null, true, false] as $v) {
    $cases[] = ['_truthy', $v];
    $cases[] = ['_empty', $v];
    $cases[] = ['_isset', $v];
}
foreach ([
    [1, 2], [$max, 1], [$min, -1], ['5', 1], [' 5', 1], ['5 ', 1], ["5\n", 1], ['5 apples', 1], ['abc', 1],
    ['', 1], [null, 1], [true, 1], [[1], [2, 3]], [['a' => 1], ['a' => 2, 'b' => 3]], [[], 1], [1, []],
    [1.5, 1], ['1e3', 0], ['abc', null], [null, 'abc'], ['abc', 1.5], [true, 'x'], ['0x1A', 1], ['1.5', '2.5'],
    ['.5', 1], ['1.', 1], ['1.e3', 1], ['-', 1], ['9223372036854775808', 0], [0.1, 0.2],
] as [$a, $b]) {
    foreach (['_add', '_sub', '_mul'] as $op) {
        $cases[] = [$op, $a, $b];
    }
}
foreach ([[6, 3], [7, 2], [1, 0], [1, 0.0], ['1', '0'], [$min, -1], [1, 3], [-1, 3], [0.3, 0.1], [null, 1], ['x', 1], [10, '2']] as [$a, $b]) {
    $cases[] = ['_div', $a, $b];
}
foreach ([[7, 3], [-7, 3], [7, -3], [7, 0], [7.5, 2], ['7.5', 2], [7.0, 2], [$min, -1], ['8', '3'], [7, 0.5], [1e20, 3], ['abc', 2]] as [$a, $b]) {
    $cases[] = ['_mod', $a, $b];
}
foreach ([[2, 3], [2, 63], [2, 62], [2, -1], [-2, 63], [-2, 64], [2.0, 2], ['2', 3], [0, 0], [3, 40], [-1, $max], [4, 0.5], [0, -1]] as [$a, $b]) {
    $cases[] = ['_pow', $a, $b];
}
foreach ([5, '5', 'abc', null, $min, 1.5, [], true, ' 3 ', '3x', 0.0, '-0'] as $v) {
    $cases[] = ['_neg', $v];
    $cases[] = ['_pos', $v];
}
foreach ($scalars as $a) {
    foreach ($scalars as $b) {
        $cases[] = ['_cmp', $a, $b];
        $cases[] = ['_eq', $a, $b];
        $cases[] = ['_ident', $a, $b];
    }
}
foreach ([[1, 1.0], [[1, 2], [1 => 2, 0 => 1]], [['a' => 1, 'b' => 2], ['b' => 2, 'a' => 1]], [['a' => 1], ['b' => 1]], [[1, 2], [1, 3]], [[1], [1, 2]], ['abc', 'abd'], ['10', '1e1'], [100, '1e2'], [null, -1], ['Z', 'a']] as [$a, $b]) {
    foreach (['_eq', '_ne', '_ident', '_nident', '_lt', '_gt', '_le', '_ge', '_cmp', '_xor'] as $op) {
        $cases[] = [$op, $a, $b];
        $cases[] = [$op, $b, $a];
    }
}
foreach ([['a', 1], [1.5, true], [null, false], [0.1 + 0.2, 'x'], ['a', [1]], [1e20, ''], [-0.0, ''], [1.0, ''], [1e14, ''], [123456789012345678.0, ''], [0.0001, ''], [0.00001, ''], [1 / 3, ''], [-1 / 3, ''], [5e-324, ''], [1e15, ''], [99999999999999.0, ''], [0.1 + 0.7, ''], [7.0E-10, ''], [-1.5e-7, ''], [$max, 'x']] as [$a, $b]) {
    $cases[] = ['_concat', $a, $b];
}
foreach ([
    [$list, 1], [$list, '1'], [$list, 5], [$list, -1], [$list, '01'], [$list, 1.0], [$list, 1.5], [$list, true],
    [$list, null], [$list, []], [$list, 'x'], [$map, 'a'], [$map, 'c'], [['5' => 'x'], 5], [['5' => 'x'], '5'],
    [['x' => 1], ''], ['hello', 0], ['hello', -1], ['hello', -5], ['hello', -6], ['hello', 10], ['hello', '1'],
    ['hello', 'x'], ['hello', '1x'], ['hello', 1.5], ['hello', true], ['hello', null], ['héllo', 1], [null, 'k'],
    [5, 0], [true, 'k'], [false, 0], [1.5, 0], ['', 0], [[null], 0], [['a' => null], 'a'],
] as [$c, $k]) {
    $cases[] = ['_get', $c, $k];
    $cases[] = ['_lget', $c, $k];
}
foreach ([
    [['a'], ['b']], [['1', 'a'], ['b']], [['5', 'a'], ['b']], [[1, 'a'], [0, 'b']],
    [['a', 1], [2], ['a', 3]], [[true, 'x'], ['y']], [[-5, 'x'], ['y']], [['x'], ['0', 'y']],
    [['01', 'x']], [[1.0, 'x']], [], [[-1, 'x'], ['y'], ['z']], [[null, 'x'], ['y']],
    [[-5, 'x'], [-9, 'y'], ['z']],
] as $pairs) {
    $cases[] = ['_arr', $pairs];
}
foreach ([$list, $map, [], [3 => 'a', 1 => 'b'], 'str', null, 5, true] as $v) {
    $cases[] = ['_values', $v];
    $cases[] = ['_pairs', $v];
}
$jsonValues = [
    'a/b é <>&\'"', ['a' => 1, 'b' => [1, 2], 'c' => []], [1 => 1, 2 => 2], [[]], ['x' => []], 1.0, 10.0, 0.1 + 0.2,
    1e25, -0.0, 1e15, 1e16, 123456789012345678901.0, 0.00001, "\u{1F600}\x01\t\x08\x0c\r\n\\", "\u{2028}\u{2029}",
    null, true, false, ['a' => 1, 'b' => [1, ['c' => 2]]], '12', '1.5', 'x', -5, [3 => 'a', 1 => 'b'], [],
    ['' => 1, '5' => 2],
];
foreach ($jsonValues as $v) {
    foreach ([0, 15, 64, 128, 256, 256 | 2048, 32, 16, 1024, 128 | 64 | 256] as $flags) {
        $cases[] = ['_json', $v, $flags];
        $cases[] = ['json_encode', $v, $flags];
    }
    $cases[] = ['_json', $v];
    $cases[] = ['json_encode', $v];
}
$cases[] = ['_json', [[1]], 0, 1];
$cases[] = ['json_encode', [[1]], 0, 1];
foreach (['<a href=\'x\'>&amp;</a>"', 0.1 + 0.2, 1e20, true, false, null, 5, -0.0, [1], 'é', 1e100, -1e-10, 2.5, 100.0] as $v) {
    $cases[] = ['echo', $v];
    $cases[] = ['echo_raw', $v];
    $cases[] = ['_raw', $v];
}

require __DIR__ . '/php-expectations-functions.php';

function typed($value)
{
    if (is_float($value)) {
        if (is_nan($value)) {
            return ['float' => 'NAN'];
        }
        if (is_infinite($value)) {
            return ['float' => $value > 0 ? 'INF' : '-INF'];
        }
        return ['float' => $value];
    }
    return [gettype($value) => $value];
}

// JSON has no INF or NAN: such arguments travel as {"__float__": "INF"}.
function portable($value)
{
    if (is_float($value) && !is_finite($value)) {
        return ['__float__' => is_nan($value) ? 'NAN' : ($value > 0 ? 'INF' : '-INF')];
    }
    if (is_array($value)) {
        return array_map('portable', $value);
    }
    return $value;
}

$out = [];
foreach ($cases as $case) {
    $op = array_shift($case);
    try {
        $result = isset($helpers[$op]) ? $helpers[$op](...$case) : $op(...$case);
        $expected = ['ok' => typed($result)];
    } catch (Throwable $e) {
        $expected = ['error' => $e->getMessage()];
    }
    $out[] = json_encode([$op, portable($case), $expected], JSON_PRESERVE_ZERO_FRACTION | JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE);
}
echo "[\n", implode(",\n", $out), "\n]\n";
