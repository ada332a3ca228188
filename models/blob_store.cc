// Placeholder so the tree builds while this file is written in its own branch.
#include "models/blob_store.h"
