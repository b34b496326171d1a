<?php
// Kublade's YAML step on rendered texts, with the oracle's own functions (KUBLADE_ORACLE_LIB=1
// loads kublade.php without running it): for each text of the JSON list on stdin, what Kublade
// does after Blade [K FluxDeployment.php:263-292] — the text ltrim()med as PhpEngine does, parsed,
// metadata.namespace replaced, a falsy document dropped, the rest dumped.
// Writes a JSON list of {"file": TEXT|null} or {"error": MESSAGE}.
//   php -d short_open_tag=1 -d precision=14 -d serialize_precision=-1 -d date.timezone=UTC \
//     scripts/kublade/yaml-step.php ORACLE/kublade.php NAMESPACE < texts.json
// (the php.ini settings kublade.php would otherwise re-run itself with).
putenv('KUBLADE_ORACLE_LIB=1');
putenv('KUBLADE_ORACLE_REEXEC=1');
require $argv[1];
$namespace = $argv[2];
$out = [];
foreach (json_decode(stream_get_contents(STDIN), true, 512, JSON_THROW_ON_ERROR) as $text) {
    try {
        $doc = yaml_parse(ltrim($text));
        if (isset($doc['metadata']['namespace'])) {
            $doc['metadata']['namespace'] = $namespace;
        }
        $out[] = ['file' => $doc ? yaml_format(yaml_dump($doc)) : null];
    } catch (Throwable $e) {
        $out[] = ['error' => $e->getMessage()];
    }
}
echo json_encode($out, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRETTY_PRINT | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
