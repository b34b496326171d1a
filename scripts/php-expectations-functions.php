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
