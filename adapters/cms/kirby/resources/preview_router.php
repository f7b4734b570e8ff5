<?php

/**
 * Router for `php -S` used by `kirbygen preview`: serves a generated site in place with a
 * Kirby core that lives elsewhere (KIRBYGEN_PREVIEW_CORE), so the core is never copied into
 * the site. Files that exist are served as they are, except the folders Apache's .htaccess
 * keeps private (content, site, kirby, hidden ones): those requests go to Kirby.
 */

$root = getenv('KIRBYGEN_PREVIEW_SITE');
$core = getenv('KIRBYGEN_PREVIEW_CORE');

$uri = parse_url('http://localhost/' . ltrim($_SERVER['REQUEST_URI'], '/'), PHP_URL_PATH) ?? '/';
$uri = urldecode($uri);
$private = preg_match('!^/(content|site|kirby|vendor)(/|$)|/\.!', $uri) === 1;
$path = realpath($root . '/' . ltrim($uri, '/'));
if ($uri !== '/' && $private === false && $path !== false && is_file($path) && str_starts_with($path, realpath($root) . '/')) {
    return false;
}

$_SERVER['SCRIPT_NAME'] = '/index.php';
require $core . '/bootstrap.php';
echo (new Kirby(['roots' => ['index' => $root, 'kirby' => $core]]))->render();
