<?php
/*
 * The count benchmark's peer: the Condorcet PHP library (julien-boudry/Condorcet),
 * file to result, one method per process, as `urne count` is timed.
 *
 * Usage: php condorcet_peer.php CONDORCET_SRC METHOD FILE.blt
 *   CONDORCET_SRC: the library's src/ folder (a local copy; version 4.5, the last one
 *   that runs on Debian 12's PHP 8.2). METHOD: schulze, ranked-pairs, irv, stv, borda.
 *
 * The library is not in the repository and composer is not used: this file maps the
 * library's namespace onto its folder (PSR-4) itself, which is all composer's
 * autoloader would do for these classes. The BLT reader is ours (the library's
 * DavidHillFormat expects every name on one line), kept minimal: one ballot per line,
 * "weight c1 c2 ... 0", weights added one vote at a time as the library takes them.
 * Prints the winner(s), so that the run can be checked against urne's.
 */
declare(strict_types=1);

if ($argc !== 4) {
    fwrite(STDERR, "usage: php condorcet_peer.php CONDORCET_SRC METHOD FILE\n");
    exit(2);
}
[$_, $src, $method, $file] = $argv;
$src = rtrim($src, '/');

spl_autoload_register(function (string $class) use ($src): void {
    $prefix = 'CondorcetPHP\\Condorcet\\';
    if (strncmp($class, $prefix, strlen($prefix)) !== 0) return;
    $path = $src . '/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
    if (is_file($path)) require $path;
});

use CondorcetPHP\Condorcet\{Candidate, Election};

$names = ['schulze' => 'Schulze Winning', 'ranked-pairs' => 'Ranked Pairs Winning', 'irv' => 'Instant-runoff',
          'stv' => 'STV', 'borda' => 'Borda Count'];
if (!isset($names[$method])) {
    fwrite(STDERR, "condorcet_peer: unknown method $method\n");
    exit(2);
}

$lines = file($file, FILE_IGNORE_NEW_LINES);
[$ncand, $seats] = array_map('intval', preg_split('/\s+/', trim($lines[0])));
$zero = 0;
for ($i = 1; $i < count($lines); $i++)
    if (trim($lines[$i]) === '0') { $zero = $i; break; }
$candidates = [];
for ($c = 0; $c < $ncand; $c++)
    $candidates[] = new Candidate(trim($lines[$zero + 1 + $c], " \""));

$election = new Election;
$election->setNumberOfSeats(max(1, $seats));
foreach ($candidates as $c) $election->addCandidate($c);
for ($i = 1; $i < $zero; $i++) {
    $f = preg_split('/\s+/', trim($lines[$i]));
    $weight = (int) array_shift($f);
    array_pop($f); // the closing 0
    $ranking = [];
    foreach ($f as $c) $ranking[] = [$candidates[(int) $c - 1]];
    for ($k = 0; $k < $weight; $k++) $election->addVote($ranking);
}

$result = $election->getResult($names[$method]);
$out = [];
foreach ($result->getResultAsArray(true) as $rank => $who)
    $out[] = $rank . ':' . (is_array($who) ? implode('=', $who) : $who);
echo $method, ' ', implode(' ', array_slice($out, 0, max(1, $method === 'stv' ? $seats : 1))), "\n";
