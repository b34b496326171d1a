<?php
// The Blade oracle for many templates in one PHP process, for the differential tester: the same
// library as ../shared/blade-oracle/render.php (which runs ../shared/kublade-oracle/blade.php):
// kublade.php's blade_render (Laravel 12's compiler, the view pipeline and its ltrim, Laravel's
// error handler), under the same ini values. Starting PHP and Laravel per template is the slow part.
//
//   php oracle-batch.php KUBLADE_PHP JOBS.json     JOBS.json: [{"template": "...", "values": {...}}, ...]
//   prints one JSON line per job: {"ok": true, "output": BASE64}, {"ok": false, "error": "Class: message"}
//   (as blade.php prints it), or {"ok": false, "unsupported": "..."} where the oracle cannot tell.
//   A PHP compile error (E_COMPILE_ERROR, e.g. isset() on an expression) kills PHP as it kills
//   render.php; the caller then counts that job as failed and restarts after it.
//
// Every difference the tester reports is re-checked with render.php itself before it is saved.
const INI = ['short_open_tag' => '1', 'precision' => '14', 'serialize_precision' => '-1', 'date.timezone' => 'UTC'];
if (getenv('ORACLE_BATCH_REEXEC') !== '1') {
    putenv('ORACLE_BATCH_REEXEC=1');
    $cmd = [PHP_BINARY];
    foreach (INI as $k => $v) {
        array_push($cmd, '-d', "$k=$v");
    }
    $p = proc_open(array_merge($cmd, [__FILE__], array_slice($argv, 1)), [0 => STDIN, 1 => STDOUT, 2 => STDERR], $pipes);
    exit($p === false ? 2 : proc_close($p));
}
putenv('KUBLADE_ORACLE_LIB=1');
require $argv[1];

$jobs = json_decode(file_get_contents($argv[2]), true, 512, JSON_THROW_ON_ERROR);
foreach ($jobs as $job) {
    set_time_limit(2); // a shrunk @for can loop forever: a fatal error, like a hung render.php
    try {
        $result = ['ok' => true, 'output' => base64_encode(blade_render($job['template'], $job['values']))];
    } catch (OracleUnsupported $e) {
        $result = ['ok' => false, 'unsupported' => $e->getMessage()];
    } catch (Throwable $e) {
        $result = ['ok' => false, 'error' => get_class($e) . ': ' . $e->getMessage()];
    }
    echo json_encode($result, JSON_INVALID_UTF8_SUBSTITUTE), "\n";
    flush();
}
