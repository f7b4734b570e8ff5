<?php
/**
 * Opens every page: document head, stylesheets, site title and main navigation.
 * The navigation lists the published top-level pages except home and error.
 */
$menu = $site->children()->published()->filter(fn ($item) => $item->isHomeOrErrorPage() === false);
?>
<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title><?= $page->isHomePage() ? $site->title()->esc() : $page->title()->esc() . ' – ' . $site->title()->esc() ?></title>
  <?= css(['assets/css/tokens.css', 'assets/css/site.css']) ?>
</head>
<body>
  <a class="skip-link" href="#main">Skip to content</a>
  <header class="site-header">
    <div class="site-header__inner">
      <a class="site-title" href="<?= esc($site->url(), 'attr') ?>"><?= $site->title()->esc() ?></a>
      <?php if ($menu->isNotEmpty()): ?>
      <nav class="site-nav" aria-label="Main">
        <ul>
          <?php foreach ($menu as $item): ?>
          <li><a href="<?= esc($item->url(), 'attr') ?>"<?= $item->isOpen() ? ' aria-current="page"' : '' ?>><?= $item->title()->esc() ?></a></li>
          <?php endforeach ?>
        </ul>
      </nav>
      <?php endif ?>
    </div>
  </header>
  <main id="main" class="site-main">
