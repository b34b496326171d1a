<?php
// Renders each Blade snippet of tests/php_blade_snippets.txt with Laravel's Blade
// (shared/blade-oracle/render.php) over tests/cases/echo-scalars/values.json, and prints
// the expectations tests/php_blade.rs checks the engine against:
//
//   php scripts/php-blade-expectations.php > tests/php_blade_cases.json
$root = dirname(__DIR__);
$oracle = getenv('BLADE_ORACLE') ?: dirname(__DIR__, 2) . '/shared/blade-oracle/render.php';
$values = "$root/tests/cases/echo-scalars/values.json";
$out = [];
foreach (file("$root/tests/php_blade_snippets.txt", FILE_IGNORE_NEW_LINES) as $snippet) {
    if ($snippet === '' || str_starts_with($snippet, '#')) {
        continue;
    }
    $template = tempnam(sys_get_temp_dir(), 'blade');
    file_put_contents($template, $snippet);
    $spec = [1 => ['pipe', 'w'], 2 => ['pipe', 'w']];
    $proc = proc_open(['php', $oracle, $template, $values], $spec, $pipes);
    $stdout = stream_get_contents($pipes[1]);
    $stderr = stream_get_contents($pipes[2]);
    $code = proc_close($proc);
    unlink($template);
    $expected = $code === 0 ? ['ok' => $stdout] : ['error' => preg_replace('/^error: /', '', trim($stderr))];
    $out[] = json_encode([$snippet, $expected], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
}
echo "[\n", implode(",\n", $out), "\n]\n";
