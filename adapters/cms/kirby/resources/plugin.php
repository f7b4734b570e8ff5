<?php

/**
 * Written text (Markdown rendered by kirbytext) may hold links and images that lead nowhere
 * a visitor can follow: a file of the original material (`photos/cup.jpg`, `notes.md`) or an
 * unsafe address (`javascript:`). They are shown as their text, as in the static export.
 */

/**
 * How a URL reads on the page: the network's name for a social profile, else the address
 * without its scheme.
 */
function kirbygen_link_text(string $url): string
{
    $networks = /* NETWORKS */;
    $host = preg_replace('!^www\.!', '', strtolower(parse_url(trim($url), PHP_URL_HOST) ?? ''));
    $parent = substr_count($host, '.') >= 2 ? substr($host, strpos($host, '.') + 1) : '';
    return $networks[$host] ?? $networks[$parent] ?? rtrim(preg_replace('!^https?://(www\.)?!i', '', trim($url)), '/');
}

Kirby::plugin('kirbygen/text', [
    'hooks' => [
        'kirbytext:after' => function (string|null $text): string {
            $followable = fn (string $href): bool => preg_match(
                '!^(https?://|mailto:|tel:|#|/)!i',
                html_entity_decode($href, ENT_QUOTES | ENT_HTML5, 'UTF-8')
            ) === 1;
            $text = preg_replace_callback(
                '!<a\s[^>]*?href="([^"]*)"[^>]*>(.*?)</a>!s',
                fn (array $link): string => $followable($link[1]) ? $link[0] : $link[2],
                $text ?? ''
            );
            return preg_replace_callback(
                '!<img\s[^>]*?src="([^"]*)"[^>]*>!s',
                function (array $image) use ($followable): string {
                    if ($followable($image[1])) {
                        return $image[0];
                    }
                    preg_match('!alt="([^"]*)"!', $image[0], $alt);
                    return $alt[1] ?? '';
                },
                $text
            );
        },
    ],
]);
