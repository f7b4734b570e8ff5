<?php
/**
 * A page shown as a card in a listing.
 * Expects $item (a page). Optional: $cover (a file or null) and $excerpt (plain text that
 * may still hold HTML entities from Markdown rendering, hence the decode before escaping).
 */
$cover ??= null;
$excerpt ??= '';
?>
<article class="card">
  <?php if ($cover): ?>
  <img class="card__image" src="<?= esc($cover->url(), 'attr') ?>" alt="<?= $cover->alt()->esc('attr') ?>" loading="lazy">
  <?php endif ?>
  <div class="card__body">
    <h2 class="card__title"><a href="<?= esc($item->url(), 'attr') ?>"><?= $item->title()->esc() ?></a></h2>
    <?php if ($excerpt !== ''): ?>
    <p class="card__excerpt"><?= esc(html_entity_decode($excerpt, ENT_QUOTES | ENT_HTML5, 'UTF-8')) ?></p>
    <?php endif ?>
  </div>
</article>
