<?php
// Cases for the PHP functions (see php-expectations.php, which includes this file).

$strings = ['', 'abc', 'Hello World', 'hello world-foo bar_baz', "  padded\t\n", 'ÉTÉ été', 'a/b', "x\0y", '0', 'ABC def'];
foreach ($strings as $s) {
    foreach (['strtolower', 'strtoupper', 'ucfirst', 'lcfirst', 'ucwords', 'trim', 'ltrim', 'rtrim', 'strlen', 'strrev', 'md5', 'sha1', 'base64_encode', 'bin2hex', 'urlencode', 'rawurlencode', 'e', 'nl2br', 'strval', 'is_numeric', 'intval', 'floatval', 'boolval'] as $f) {
        $cases[] = [$f, $s];
    }
}
foreach ([null, true, false, 5, -5, 1.5, 0.1 + 0.2, 1e20, [], [1], ['a' => 1]] as $v) {
    foreach (['strtoupper', 'strlen', 'trim', 'e', 'strval', 'intval', 'floatval', 'boolval', 'is_numeric', 'is_string', 'is_int', 'is_float', 'is_bool', 'is_array', 'is_null', 'count', 'abs', 'floor', 'ceil', 'round', 'md5', 'base64_encode', 'array_values', 'array_keys'] as $f) {
        $cases[] = [$f, $v];
    }
}
foreach (['strtoupper', 'trim', 'count', 'substr', 'explode', 'implode', 'str_replace', 'in_array', 'max', 'min', 'sprintf', 'number_format', 'round', 'array_merge', 'json_encode', 'str_repeat'] as $f) {
    $cases[] = [$f];
}
$cases[] = ['strtoupper', 'a', 'b'];
$cases[] = ['trim', 'a', 'b', 'c'];
$cases[] = ['explode', ',', 'a', 1, 2];
$cases[] = ['ucwords', 'hello_world-foo', '_-'];
$cases[] = ['e', '&amp; <b>', false];
$cases[] = ['e', '&amp; &foo; &#039; &#x27; &', false];
$cases[] = ['nl2br', "a\r\nb\nc\n\rd\r", false];
foreach ([['xxhixx', 'x'], ['abcHIcba', 'a..c'], ['abcHIcba', 'a..'], ['abc', '..c'], ['abc', 'c..a'], ['[abc]', '[]'], ['  x  ', ''], ['1.5.', '.'], ['a..b', 'a..b'], ['éaé', 'é']] as [$s, $chars]) {
    foreach (['trim', 'ltrim', 'rtrim'] as $f) {
        $cases[] = [$f, $s, $chars];
    }
}
foreach ([
    ['a', 'b', 'banana'], [['a', 'n'], ['1', '2'], 'banana'], [['a', 'n'], 'X', 'banana'], [['a', 'n'], ['1'], 'banana'],
    ['', 'x', 'abc'], ['a', 'b', ['x' => 'aa', 'y' => 'ba', 'z' => [1]]], ['a', ['b'], 'abc'], ['1', 2, 1213],
    [['a', 'b'], ['b', 'c'], 'ab'], ['a', 'b', null], [[1], 'x', '1 2'],
] as $args) {
    $cases[] = array_merge(['str_replace'], $args);
}
foreach ([['abc', 'b'], ['abc', ''], ['', ''], ['abc', 'd'], ['abc', 'abcd'], ['abc', null], [5, 5]] as [$h, $n]) {
    foreach (['str_contains', 'str_starts_with', 'str_ends_with', 'strpos', 'strrpos'] as $f) {
        $cases[] = [$f, $h, $n];
    }
}
foreach ([['abcabc', 'b', 2], ['abcabc', 'b', -2], ['abcabc', 'b', -5], ['abcabc', 'b', 7], ['abcabc', 'b', -7], ['abcabc', 'bc', -1]] as [$h, $n, $o]) {
    $cases[] = ['strpos', $h, $n, $o];
    $cases[] = ['strrpos', $h, $n, $o];
}
foreach ([['ab', 3], ['ab', 0], ['ab', -1], ['', 5], ['ab', '2'], ['ab', 1.5], ['ab', 'x']] as [$s, $n]) {
    $cases[] = ['str_repeat', $s, $n];
}
foreach ([['5', 3, '0', STR_PAD_LEFT], ['abc', 8, '-=', STR_PAD_BOTH], ['abc', 7, '-='], ['abc', 2], ['abc', 5, ''], ['abc', 6, 'x', 5]] as $args) {
    $cases[] = array_merge(['str_pad'], $args);
}
$sub = 'abcdef';
foreach ([[0], [1], [-1], [-3, 2], [1, -1], [1, -10], [10], [6], [-10], [-10, 2], [2, 0], [2, null], ['1'], ['1x'], [1.5], [true], [null], [[]], [0, 100], [3, -3], [3, -4]] as $args) {
    $cases[] = array_merge(['substr', $sub], $args);
}
$cases[] = ['substr', 'héllo', 0, 2];
foreach ([[',', ['a', 'b']], [['a', 'b']], [', ', [1, 1.5, true, null, 0.1 + 0.2]], [',', [1, [2]]], [['a', 'b'], ','], ['x'], [',', 'x'], [',', []], [',', ['k' => 'v', 'w' => 'z']]] as $args) {
    $cases[] = array_merge(['implode'], $args);
}
foreach ([[',', 'a,b,c'], [',', 'a,b,c', 2], [',', 'a,b,c', -1], [',', 'a,b,c', 0], [',', 'a,b,c', -5], [',', ''], [',', '', -1], ['', 'abc'], [', ', 'a, b, c'], [',', 'abc'], ['ab', 'xabyabz', 1]] as $args) {
    $cases[] = array_merge(['explode'], $args);
}
$haystack = [1, '2', 'abc', null, 0.5, [1]];
foreach ([1, '1', 2, 'abc', 0, null, false, 0.5, '0.5', [1], 'x', true] as $needle) {
    $cases[] = ['in_array', $needle, $haystack];
    $cases[] = ['in_array', $needle, $haystack, true];
    $cases[] = ['array_search', $needle, $haystack];
}
$cases[] = ['in_array', 1, 'x'];
$cases[] = ['in_array', 1, [1], []];
$assoc = ['a' => 1, '5' => 2, '' => 3, 'b' => null];
foreach (['a', 5, '5', 'x', '', null, 1.0, true, [], 'b'] as $k) {
    $cases[] = ['array_key_exists', $k, $assoc];
}
$cases[] = ['array_key_exists', 'a', 'x'];
foreach ([$assoc, [3 => 'x', 1 => 'y'], [], [1, 2, 3], 'x'] as $v) {
    foreach (['array_keys', 'array_values', 'array_key_first', 'array_key_last', 'array_reverse', 'array_flip', 'count'] as $f) {
        $cases[] = [$f, $v];
    }
    $cases[] = ['array_reverse', $v, true];
    $cases[] = ['count', $v, 1];
}
$cases[] = ['array_keys', [1, '1', 2, true], 1];
$cases[] = ['array_keys', [1, '1', 2, true], 1, true];
$cases[] = ['count', [1, [2, [3]]], 1];
$cases[] = ['count', [1], 2];
$cases[] = ['count', [1], 'x'];
foreach ([[[1, 2], [3]], [['a' => 1, 5 => 'x'], ['a' => 2, 5 => 'y']], [[], []], [['b' => 1]], [[1], 'x'], [[3 => 'a']]] as $args) {
    $cases[] = array_merge(['array_merge'], $args);
}
foreach ([[1, 2, 3], [3, '10', 2], ['abc', 0], [0, 'abc'], ['10', '9'], ['10', '9a'], [[1, 2], [1, 3]], [[1, 2, 3]], [[]], [5], ['a', [1]], [null, false], [false, null], [1, 1.0], [1.0, 1], [-1, null], ['apple', 'Apple', 'banana']] as $args) {
    $cases[] = array_merge(['max'], $args);
    $cases[] = array_merge(['min'], $args);
}
foreach ([1.5, 2.5, -1.5, -2.5, 1.955, 5.045, 5.055, 1.005, 0.285, 1.45, 1234.5678, -0.4, 0.5, 1e20, 3, '3.7', 'x', -0.0, 9.999999999999999e14, 0.1 + 0.7, 1.4999999999999999] as $n) {
    $cases[] = ['round', $n];
    foreach ([1, 2, 3, -1, -2] as $p) {
        $cases[] = ['round', $n, $p];
    }
    $cases[] = ['floor', $n];
    $cases[] = ['ceil', $n];
    $cases[] = ['abs', $n];
    $cases[] = ['number_format', $n];
    $cases[] = ['number_format', $n, 2];
    $cases[] = ['number_format', $n, 3, ',', '.'];
}
foreach ([[1234567.891], [1234567.891, 2], [1234567.891, 2, ',', '.'], [1234567.891, 2, '', ' '], [0.5], [-0.5], [-1234.567, 1], [1234.5, -2], [1e15, 2], [INF], [-INF], ['1234.5'], ['x'], [null], [123456789012345678, 0], [0.125, 2], [1.005, 2], [-0.001, 2]] as $args) {
    $cases[] = array_merge(['number_format'], $args);
}
foreach (['42', ' 42', '42abc', 'abc', '1e3', '0x1A', '012', '-7.9', '9999999999999999999', '-9999999999999999999', '1e100', 42.9, -42.9, 1e20, null, true, [], [0]] as $v) {
    $cases[] = ['intval', $v];
    $cases[] = ['floatval', $v];
}
foreach ([['42', 8], ['0x1A', 16], ['0x1A', 0], ['012', 0], ['0b101', 0], ['101', 2], ['-0b101', 0], ['z', 36], ['12', 1], [42, 8], ['ffffffffffffffffffff', 16]] as [$v, $base]) {
    $cases[] = ['intval', $v, $base];
}
foreach ([5, -5, PHP_INT_MIN, '-3', '-3.5', 'x', null, true, -0.0] as $v) {
    $cases[] = ['abs', $v];
}
foreach ([
    ['%s', 'a'], ['%d', '12abc'], ['%d', 1e20], ['%d', -12.9], ['%05d', -12], ['%-05d', 12], ['%-5s|', 'ab'], ['%05s', 'ab'],
    ["%'*8.3f", 3.14159], ['%+d', 5], ['%+05d', 5], ['%e', 12.3456], ['%.2e', 0.000123], ['%E', 1e100], ['%g', 0.00001234],
    ['%G', 1e20], ['%g', 123456789.0], ['%.3g', 1234.5], ['%c', 65], ['%u', -1], ['%x', 255], ['%X', 255], ['%o', 8], ['%b', 5],
    ['%x', -1], ['%5.1f', -2.55], ['%-8.2f|', 1.005], ['%08.2f', -1.5], ['%+.1f', 2.25], ['%.0f', 2.5], ['%f', 1e20], ['%.2f', 0.125],
    ['%f', INF], ['%f', -INF], ['%e', NAN], ['%5.1f', INF], ['%.3s|%10.2s|', 'abcdef', 'xyz'], ['%s', [1]], ['%.1e', 0], ['%e', -0.0],
    ['% d', 5], ['%y', 1], ['%', 1], ['%s'], ['%s %s', 'a'], ['%2$s %1$s %2$s', 'a', 'b'], ['%0$s', 1], ['%.60f', 1], ["%'", 1],
    ['%10s|%-10s|', 'right', 'left'], ['%%|'], ['%s', true], ['%s', null], ['%s', 0.1 + 0.2], ['%d', '  42  '], ['%.2f', '3.14159'],
    ['%f', 'abc'], ['%08.3e', -1234.5], ['%+e', 1.5], ['%+.2f', -0.001], ['%.2f', -0.001], ['%5s', 'héllo'], ['%.2s', 'héllo'],
    ['%2147483648d', 1], ['%c', 256 + 66], ['%ld', 7], ['%1$s-%s', 'a', 'b'], ['%.f', 1.5], ['%-+5d|', 3],
] as $args) {
    $cases[] = array_merge(['sprintf'], $args);
}
$cases[] = ['vsprintf', '%s-%d', ['a', 5]];
$cases[] = ['vsprintf', '%s-%d', ['a']];
foreach (['aGVsbG8=', 'aGVsbG8', 'aGVs bG8=', 'aGVs*bG8=', 'aGVsbG8==', 'aG=Vs', '====', '', 'YQ', 'Y', '4pyTIMOgIGxhIG1vZGU='] as $b64) {
    $cases[] = ['base64_decode', $b64];
    $cases[] = ['base64_decode', $b64, true];
}

// The second batch.
$rows = [['id' => 3, 'name' => 'a', 'port' => 80], ['id' => 5, 'name' => 'b'], ['id' => 7, 'name' => 'c', 'port' => 443], 'x'];
foreach ([[$rows, 'name'], [$rows, 'port'], [$rows, 'name', 'id'], [$rows, null, 'name'], [$rows, 'port', 'name'], [[], 'x']] as $args) {
    $cases[] = array_merge(['array_column'], $args);
}
$abc = ['a', 'b', 'c', 'd', 'e'];
foreach ([[1], [-2], [1, 2], [1, -1], [-10, 2], [10], [0, 0], [1, null], [1, 2, true], [-3, -1]] as $args) {
    $cases[] = array_merge(['array_slice', $abc], $args);
    $cases[] = array_merge(['array_slice', ['x' => 1, 5 => 2, 9 => 3, 'y' => 4]], $args);
}
foreach ([[1, '1', 2, 2.0, 'a', 'A', 'a', true, null, ''], ['x' => 1, 'y' => 1, 'z' => 2], [[1], [1]], []] as $v) {
    $cases[] = ['array_unique', $v];
    $cases[] = ['array_sum', $v];
    $cases[] = ['array_filter', $v];
    $cases[] = ['array_is_list', $v];
}
$cases[] = ['array_sum', [1, 2.5, '3', true, null]];
$cases[] = ['array_sum', [PHP_INT_MAX, 1]];
$cases[] = ['array_sum', ['5 apples', 1]];
foreach ([[5, 3, 'x'], [-3, 3, 0], [0, 0, 1], [0, -1, 1], ['a', 2, null]] as $args) {
    $cases[] = array_merge(['array_fill'], $args);
}
foreach ([[['a', 'b'], [1, 2]], [[1.5, true, null], [1, 2, 3]], [['a'], [1, 2]], [[], []], [['5', 'x', '5'], [1, 2, 3]]] as $args) {
    $cases[] = array_merge(['array_combine'], $args);
}
foreach ([[$abc, 2], [$abc, 2, true], [['x' => 1, 'y' => 2, 'z' => 3], 2, true], [$abc, 0], [[], 3]] as $args) {
    $cases[] = array_merge(['array_chunk'], $args);
}
foreach ([[1, 5], [5, 1], [0, 10, 3], [0, 1, 0.25], [1, 2, 0], ['a', 'e'], ['e', 'a', 2], [0, 10, -3], ['1', '3'], [1.5, 4], [0, 3, 5], ['A', 'z', 10], [0, 5, 1.0], [10, 0, 2.5], ['a', 'c', 1.5]] as $args) {
    $cases[] = array_merge(['range'], $args);
}
foreach ([['abcdef', 2], ['abcde', 2], ['', 2], ['abc', 0], ['abc'], ['héllo', 2]] as $args) {
    $cases[] = array_merge(['str_split'], $args);
}
foreach ([['abcdefg', 3], ['abcdefg', 3, '|'], ['', 3], ['abc', 0], [str_repeat('x', 100)]] as $args) {
    $cases[] = array_merge(['chunk_split'], $args);
}
foreach ([['hello hello', 'll'], ['aaa', 'aa'], ['abc', ''], ['hello hello', 'l', 3], ['hello hello', 'l', 3, 3], ['hello', 'l', -2], ['hello', 'l', 9], ['hello', 'l', 1, -1], ['hello', 'l', 1, 10]] as $args) {
    $cases[] = array_merge(['substr_count'], $args);
}
foreach (['<a href="x">\'&amp;</a>'] as $s) {
    foreach ([[], [ENT_QUOTES], [ENT_COMPAT], [ENT_NOQUOTES], [ENT_QUOTES, 'UTF-8', false]] as $extra) {
        $cases[] = array_merge(['htmlspecialchars', $s], $extra);
    }
}
foreach (["O'Re\"il\\ly\0", ''] as $s) {
    $cases[] = ['addslashes', $s];
}
foreach ([['Hi all', 'ai', 'eo'], ['Hi all', ['Hi' => 'Hello', 'Hello' => 'x', 'a' => 'A', '' => 'z']], ['abc', 'ab', 'x'], ['abc', []], ['abc', 'x'], ['1 2', [1 => 'one']], ['abc', ['a' => '1', 'ab' => '2']], ['Hi all, I said Hello', ['Hello' => 'Hi', 'Hi' => 'Hello']], ['abab', ['b' => 'x', 'ab' => 'y', 'a' => 'z']], ['', [[]]], ['', 'x'], ['', ['a' => 'b']]] as $args) {
    $cases[] = array_merge(['strtr'], $args);
}
foreach (['ÉTÉ été', 'straße', 'ǅ', '', 'İ'] as $s) {
    foreach (['mb_strtolower', 'mb_strtoupper', 'mb_strlen'] as $f) {
        $cases[] = [$f, $s];
    }
    foreach ([[1], [-2], [1, 2], [1, -1], [10], [-10, 2]] as $args) {
        $cases[] = array_merge(['mb_substr', $s], $args);
    }
}
foreach ([null, true, 1, 1.5, 'x', [], ['a' => 1]] as $v) {
    $cases[] = ['gettype', $v];
}

// Random floats of every magnitude (fixed seed): echo, json_encode, round, number_format, sprintf.
mt_srand(20261126);
for ($i = 0; $i < 400; $i++) {
    $mantissa = mt_rand() / mt_getrandmax() * (mt_rand(0, 1) ? 1 : -1);
    $f = $mantissa * (10 ** mt_rand(-12, 22));
    if ($i % 4 === 0) {
        $f = round($f, mt_rand(0, 4));   // values with few decimals, where rounding ties live
    }
    $cases[] = ['_concat', $f, ''];
    $cases[] = ['json_encode', $f];
    $cases[] = ['round', $f, mt_rand(-3, 6)];
    $cases[] = ['number_format', $f, mt_rand(0, 4)];
    $cases[] = ['sprintf', ['%e', '%.3e', '%f', '%.2f', '%g', '%.10G', '%10.4f', '%-+12.1e'][$i % 8], $f];
}

// Shortest-digit ties: in [2^49, 2^50) the spacing is 0.125, so n.25 and n.75 lie exactly
// between two 16-digit candidates; PHP keeps the even one.
for ($i = 0; $i < 150; $i++) {
    $n = 2 ** 49 + mt_rand(0, 2 ** 30);
    $cases[] = ['json_encode', $n + 0.25];
    $cases[] = ['json_encode', -($n + 0.75)];
    $cases[] = ['json_encode', ($n + 0.25) / 2 ** 60];
}

// Numeric-looking strings against each other and against numbers.
$numeric = [' 1e3', '1e', '.5', '-.5e-3', '  12  ', "\n1", "1\n", "\t\r\v\f1", '+1', '+.1', '1.', '0x10', '1e400', '-1e400', '9223372036854775807', '9223372036854775808', '-9223372036854775809', '00', '0.0', '-0', ' ', '1 1', 'INF', 'NAN', '1,5', 1000, 0.5, -1.0E+400 / 1e300];
foreach ($numeric as $a) {
    foreach ($numeric as $b) {
        $cases[] = ['_cmp', $a, $b];
    }
    foreach (['_add', '_mul', '_neg', '_truthy', 'intval', 'floatval', 'is_numeric'] as $op) {
        $cases[] = in_array($op, ['_add', '_mul']) ? [$op, $a, 3] : [$op, $a];
    }
}
foreach (['-abc', '-0', ' -0.0', '-', '-0x1'] as $s) {
    $cases[] = ['floatval', $s];
    $cases[] = ['_concat', floatval($s), ''];
}

// Digests across block boundaries (55, 56, 63, 64, 65 bytes …).
foreach ([0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000] as $n) {
    $cases[] = ['md5', str_repeat('a', $n)];
    $cases[] = ['sha1', str_repeat('b', $n)];
}

// Random pairs of nested values through every binary helper (fixed seed).
function random_value($depth = 0)
{
    $scalars = [null, true, false, 0, 1, -7, 2.5, -0.0, 1e20, '', '0', '1', '1.0', ' 2', 'abc', 'ABC', '10', '1e1', '-3x'];
    if ($depth < 2 && mt_rand(0, 3) === 0) {
        $array = [];
        $n = mt_rand(0, 3);
        for ($i = 0; $i < $n; $i++) {
            $value = random_value($depth + 1);
            switch (mt_rand(0, 2)) {
                case 0: $array[] = $value; break;
                case 1: $array[mt_rand(0, 3)] = $value; break;
                default: $array[['a', 'b', '5', 'x'][mt_rand(0, 3)]] = $value;
            }
        }
        return $array;
    }
    return $scalars[mt_rand(0, count($scalars) - 1)];
}
mt_srand(7);
$binary = ['_add', '_sub', '_mul', '_div', '_mod', '_pow', '_eq', '_ne', '_ident', '_nident', '_lt', '_gt', '_le', '_ge', '_cmp', '_xor', '_concat'];
for ($i = 0; $i < 3000; $i++) {
    $cases[] = [$binary[$i % count($binary)], random_value(), random_value()];
}
for ($i = 0; $i < 300; $i++) {
    $v = random_value();
    $cases[] = ['max', $v, random_value()];
    $cases[] = ['in_array', random_value(), is_array($v) ? $v : [$v]];
    $cases[] = ['json_encode', $v];
    $cases[] = ['count', $v];
}

// The third batch.
foreach (['', 'abc', 'The quick brown fox', str_repeat('x', 200), 'héllo'] as $s) {
    foreach (['md5', 'sha1', 'sha256', 'crc32b', 'SHA256', 'sha512x'] as $algo) {
        $cases[] = ['hash', $algo, $s];
    }
    $cases[] = ['crc32', $s];
}
foreach ([[7, 2], [-7, 2], [7, 0], [PHP_INT_MIN, -1], ['7', '2'], [7.5, 2]] as $args) {
    $cases[] = array_merge(['intdiv'], $args);
}
foreach ([[2, 10], ['2', 0.5], [2, 63], [0, -1], ['x', 2]] as $args) {
    $cases[] = array_merge(['pow'], $args);
}
foreach ([[7.5, 2], [-7.5, 2], [1, 0], [PHP_INT_MAX, 2]] as $args) {
    $cases[] = array_merge(['fmod'], $args);
}
foreach ([4, 2, -1, 0, '9'] as $v) {
    $cases[] = ['sqrt', $v];
}
foreach ([255, -1, 0, '17', 1.5, PHP_INT_MAX] as $v) {
    foreach (['dechex', 'decoct', 'decbin'] as $f) {
        $cases[] = [$f, $v];
    }
}
foreach (['ff', 'FF', '0xff', 'fffffffffffffffff', 'xyz', '', '777', '0o17', '101', '0b101', '12'] as $v) {
    foreach (['hexdec', 'octdec', 'bindec'] as $f) {
        $cases[] = [$f, $v];
    }
}
foreach ([['a', 'b'], ['b', 'a'], ['abc', 'abd'], ['ABC', 'abc'], ['abc', 'abcd'], ['', '']] as [$x, $y]) {
    $cases[] = ['strcmp', $x, $y];
    $cases[] = ['strcasecmp', $x, $y];
    $cases[] = ['strncmp', $x, $y, 2];
    $cases[] = ['strncasecmp', $x, $y, 3];
}
$cases[] = ['strncmp', 'a', 'b', -1];
foreach ([[[1, 2], 4, 0], [[1, 2], -4, 0], [[1, 2], 1, 0], [['a' => 1, 5 => 2], 4, 'x'], [['a' => 1, 5 => 2], -4, 'x'], [[], 2, null]] as $args) {
    $cases[] = array_merge(['array_pad'], $args);
}
foreach ([[2, 3, '4'], [], [2, 'x'], [PHP_INT_MAX, 2], [1.5, 2]] as $v) {
    $cases[] = ['array_product', $v];
}
foreach ([['a', 'abc'], ['abc', 'a'], ['b', 'A'], ['é', 'e']] as [$x, $y]) {
    $cases[] = ['strcmp', $x, $y];
    $cases[] = ['strcasecmp', $x, $y];
    $cases[] = ['strncmp', $x, $y, 2];
    $cases[] = ['strncasecmp', $x, $y, 1];
}

// json_decode (objects only with $associative, see the runtime's notes).
foreach (['', 'x', '-0', '-0.0', '1E2', '12345678901234567890', '[1,{"a":2}]', '{"a":1,"a":2,"b":3}', '{"1":1,"0":2}', '{"0":"a","1":"b"}',
    '"\ud83d\ude00\u00e9"', '"\ud83d"', '"\ude00"', ' [1] ', '[1,]', '01', '1.', '.5', '-', '{"":1}', '"a\u0000b"', '1.0', 'true', 'null', '[1] x',
    "\"\t\"", '{"a":[]}', '[]', '{}', '"\/\b\f\n\r\t\"\\\\"', '"\x"', '[[[1]]]', '{"a":{"b":{"c":1}}}', '  ', 'nul', '"é"', '1e400', '{"a" 1}', '{a:1}',
    '[1 2]', '"\u00"', '-01', '2.5e-3'] as $json) {
    $cases[] = ['json_decode', $json, true];
}
foreach (['[1]', '1', '"x"', '[[1]]'] as $json) {
    $cases[] = ['json_decode', $json];
}
$cases[] = ['json_decode', '[[1]]', true, 1];
$cases[] = ['json_decode', '[[1]]', true, 2];
$cases[] = ['json_decode', '[1]', true, 0];
$cases[] = ['json_decode', 'x', true, 512, JSON_THROW_ON_ERROR];
$cases[] = ['json_decode', '[[1]]', true, 1, JSON_THROW_ON_ERROR];
$cases[] = ['json_decode', '"\ud83d"', true, 512, JSON_THROW_ON_ERROR];
$cases[] = ['json_decode', "\"\t\"", true, 512, JSON_THROW_ON_ERROR];
$cases[] = ['json_decode', '{"a":1}', null, 512, JSON_OBJECT_AS_ARRAY];
$cases[] = ['json_decode', '[1]', true, 1];
$cases[] = ['json_decode', '[]', true, 1];
$cases[] = ['json_decode', '1', true, 1];
$cases[] = ['json_decode', '[[1]]', true, 3];
$cases[] = ['json_decode', '{"a":{"b":1}}', true, 2];

// String callables.
$mixed = ['a' => ' x ', 5 => 'Y', 'b' => '', 7 => '0', 8 => 'abc'];
foreach (['trim', 'strtoupper', 'STRTOLOWER', 'strlen', 'nope', 'intval', 'str_repeat'] as $callback) {
    $cases[] = ['array_map', $callback, $mixed];
    $cases[] = ['array_filter', $mixed, $callback];
}
$cases[] = ['array_map', null, $mixed];
$cases[] = ['array_map', 'trim', 'x'];
$cases[] = ['array_filter', $mixed, 'is_numeric', ARRAY_FILTER_USE_KEY];
$cases[] = ['array_filter', $mixed, 'strlen', ARRAY_FILTER_USE_BOTH];
$cases[] = ['array_filter', [1, 0, 2, null, '', 'a'], null];
$cases[] = ['array_map', 'strtoupper', [['x']]];
$cases[] = ['round', 2.5, 0, PHP_ROUND_HALF_UP];
$cases[] = ['round', 2.5, 0, 99];
