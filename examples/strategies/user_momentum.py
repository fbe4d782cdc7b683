class UserMomentum(BaseAgent):
    def __init__(self, agent_id, strategy_type="user_momentum", initial_cash=100000.0, qty=3):
        super().__init__(agent_id=agent_id, strategy_type=strategy_type, initial_cash=initial_cash)
        self.qty = qty
    def on_tick(self, state):
        if state.best_ask is None:
            return []
        return [Order(agent_id=self.agent_id, side=Side.BID, order_type=OrderType.LIMIT, price=state.best_ask, qty=self.qty)]
    def factor_vector(self):
        return np.array([0.6, 0.1, 0.8, 0.2, 0.4, 0.7], dtype=float)
