<?php
// Renders each Blade snippet of tests/php_blade_snippets.txt with Blade as Kublade runs it
// (../shared/blade-oracle/render.php) over tests/cases/echo-scalars/values.json, and prints
// the expectations tests/php_blade.rs checks the engine against:
//
//   php scripts/php-blade-expectations.php > tests/php_blade_cases.json
//
// The oracle is $BLADE_ORACLE, or shared/blade-oracle/render.php beside the checkout (or beside
// the folder that holds a worktree). A failing snippet's expectation is PHP's exception class and
// message: {"class": "ErrorException", "error": "Undefined array key \"k\""}.
$root = dirname(__DIR__);
$oracle = getenv('BLADE_ORACLE') ?: null;
foreach (["$root/../shared/blade-oracle/render.php", "$root/../../shared/blade-oracle/render.php"] as $candidate) {
    if ($oracle === null && is_file($candidate)) {
        $oracle = $candidate;
    }
}
if ($oracle === null || !is_file($oracle)) {
    fwrite(STDERR, "php-blade-expectations.php: no blade-oracle/render.php found; set BLADE_ORACLE\n");
    exit(2);
}
$values = "$root/tests/cases/echo-scalars/values.json";
$out = [];
foreach (file("$root/tests/php_blade_snippets.txt", FILE_IGNORE_NEW_LINES) as $snippet) {
    if ($snippet === '' || str_starts_with($snippet, '#')) {
        continue;
    }
    $template = tempnam(sys_get_temp_dir(), 'blade');
    file_put_contents($template, $snippet);
    $spec = [1 => ['pipe', 'w'], 2 => ['pipe', 'w']];
    $proc = proc_open([PHP_BINARY, $oracle, $template, $values], $spec, $pipes);
    $stdout = stream_get_contents($pipes[1]);
    $stderr = stream_get_contents($pipes[2]);
    $code = proc_close($proc);
    unlink($template);
    if ($code === 2) {
        fwrite(STDERR, "skipped (the oracle cannot reproduce it): $snippet\n");
        continue;
    }
    if ($code === 0) {
        $expected = ['ok' => $stdout];
    } elseif (preg_match('/^PHP Fatal error:\s+(.*) in \S+ on line \d+$/m', $stderr, $m)) {
        $expected = ['class' => 'PHP Fatal error', 'error' => $m[1]];
    } else {
        [$class, $message] = explode(': ', trim($stderr), 2) + [1 => ''];
        $expected = ['class' => $class, 'error' => $message];
    }
    $out[] = json_encode([$snippet, $expected], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
}
echo "[\n", implode(",\n", $out), "\n]\n";
