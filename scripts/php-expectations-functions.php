<?php
// Cases for the PHP functions (see php-expectations.php, which includes this file).
