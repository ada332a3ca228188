// Placeholder so the tree builds while this file is written in its own branch.
#include "models/form_definition.h"
