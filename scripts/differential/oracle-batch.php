<?php
// Batch version of /work/shared/blade-oracle/render.php for the differential tester: the same
// Blade compiler, error handler and eval, but many templates per PHP process (starting PHP and
// Laravel for each template is the slow part).
//
//   php oracle-batch.php JOBS.json     JOBS.json: [{"template": "...", "values": {...}}, ...]
//   prints one JSON line per job: {"ok": true, "output": BASE64} or {"ok": false, "error": "..."}.
//   A PHP compile error (E_COMPILE_ERROR, e.g. isset() on an expression) kills PHP as it kills
//   render.php; the caller then counts that job as failed and restarts after it.
//
// Every difference the tester reports is re-checked with render.php itself before it is saved.
foreach (['View', 'Events', 'Container'] as $c) {
    require "/usr/share/php/Illuminate/$c/autoload.php";
}
require_once '/usr/share/php/Illuminate/Support/helpers.php';

use Illuminate\Events\Dispatcher;
use Illuminate\Filesystem\Filesystem;
use Illuminate\View\Compilers\BladeCompiler;
use Illuminate\View\Engines\EngineResolver;
use Illuminate\View\Factory;
use Illuminate\View\FileViewFinder;

set_error_handler(function ($level, $message, $file, $line) {
    throw new ErrorException($message, 0, $level, $file, $line);
});
$jobs = json_decode(file_get_contents($argv[1]), true, 512, JSON_THROW_ON_ERROR);
$files = new Filesystem;
foreach ($jobs as $job) {
    set_time_limit(2); // a shrunk @for can loop forever: a fatal error, like a hung render.php
    try {
        $values = $job['values'];
        $php = (new BladeCompiler($files, sys_get_temp_dir()))->compileString($job['template']);
        $values['__env'] = new Factory(new EngineResolver, new FileViewFinder($files, []), new Dispatcher);
        $render = function ($__php, $__values) {
            extract($__values);
            ob_start();
            try {
                eval('?>' . $__php);
            } finally {
                $out = ob_get_clean();
            }
            return $out;
        };
        $result = ['ok' => true, 'output' => base64_encode($render($php, $values))];
    } catch (Throwable $e) {
        $result = ['ok' => false, 'error' => $e->getMessage()];
    }
    echo json_encode($result, JSON_INVALID_UTF8_SUBSTITUTE), "\n";
    flush();
}
