<?php
/**
 * Fallback for a page whose template has no file of its own: shows every filled field as
 * escaped text, so content is never silently hidden.
 */
?>
<?php snippet('header') ?>
<article class="page">
  <h1 class="page__title"><?= $page->title()->esc() ?></h1>
  <?php foreach ($page->content()->fields() as $key => $field): ?>
  <?php if ($key !== 'title' && $key !== 'uuid' && $field->isNotEmpty()): ?>
  <section class="field">
    <h2 class="field__label"><?= esc(ucfirst(str_replace('_', ' ', $key))) ?></h2>
    <p><?= $field->esc()->nl2br() ?></p>
  </section>
  <?php endif ?>
  <?php endforeach ?>
</article>
<?php snippet('footer') ?>
